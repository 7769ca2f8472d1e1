// migkg timelines: how many actors are parties to each instrument over time, with forums and
// declarations marked, and each arrangement's status history with its court rulings and transfers.
// Status comes from status.js, which works it out as the parties-as-of query does. Every label
// goes in as an SVG text node or as textContent: labels come from data files, which may be hostile.
(function () {
  "use strict";
  const S = MigkgStatus;
  const data = JSON.parse(document.getElementById("migkg-data").textContent);
  const consent = new Set(data.consent_kinds);
  const today = data.today;
  let lang = "en";
  const T = (en, zh) => (lang === "zh" ? zh : en);

  // --- dates at their precision ---------------------------------------------------------------
  // "1985" and "2003-12" are drawn at the start of their year or month and said to be imprecise.
  const startOf = (s) => (s.length === 4 ? `${s}-01-01` : s.length === 7 ? `${s}-01` : s);
  function endOf(s) {
    if (s.length === 4) return `${s}-12-31`;
    if (s.length === 7) return new Date(Date.UTC(+s.slice(0, 4), +s.slice(5, 7), 0)).toISOString().slice(0, 10);
    return s;
  }
  const utc = (s) => new Date(`${startOf(s)}T00:00:00Z`);
  const iso = (d) => d.toISOString().slice(0, 10);
  function when(s) {
    if (!s) return T("no date recorded", "无日期记录");
    if (s.length === 4) return `${s} ${T("(year)", "（仅年份）")}`;
    if (s.length === 7) return `${s} ${T("(month)", "（仅月份）")}`;
    return s;
  }
  const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

  // --- counts -----------------------------------------------------------------------------------
  // Each instrument's actions by actor, so a count only looks at the actors who did something.
  const actsBy = new Map(data.instruments.map((i) => [i.key, new Map()]));
  for (const [idx, list] of Object.entries(data.acts)) {
    for (const a of list) {
      const m = actsBy.get(a[0]);
      if (!m) continue;
      if (!m.has(+idx)) m.set(+idx, []);
      m.get(+idx).push(a);
    }
  }
  // As on the matrix: any role but observer; no recorded start counts from the first day, and a
  // year-only date covers its whole year.
  const membershipsOf = (key) => {
    const f = data.forums.find((x) => x.key === key);
    return f ? f.members.filter((m) => m[1] !== "observer") : [];
  };
  const covers = (m, date) => (!m[2] || startOf(m[2]) <= date) && (!m[3] || endOf(m[3]) >= date);

  // The count can change only on an action's earliest or latest possible day or a membership's
  // first or last day, so evaluating the status on those days (and today) gives the exact step line.
  const cache = new Map();
  function series(key, forum) {
    const id = `${forum}\u0000${key}`;
    if (cache.has(id)) return cache.get(id);
    const byActor = actsBy.get(key) || new Map();
    const ms = forum ? membershipsOf(forum) : null;
    const days = new Set([today]);
    for (const acts of byActor.values()) for (const a of acts) { days.add(a[3]); days.add(a[4]); }
    if (ms) for (const m of ms) {
      if (m[2]) days.add(startOf(m[2]));
      if (m[3]) days.add(S.fromDay(S.toDay(endOf(m[3])) + 1));
    }
    const points = [...days].filter((d) => d && d <= today).sort().map((date) => {
      const members = ms ? new Set(ms.filter((m) => covers(m, date)).map((m) => m[0])) : null;
      let party = 0, uncertain = 0;
      for (const [i, acts] of byActor) {
        if (members && !members.has(i)) continue;
        const s = S.statusOf(acts, key, date, consent);
        if (s.status === "party") party++;
        // Only an undated-enough consent makes a possible party; an uncertain signature does not.
        else if (s.status === "uncertain" && consent.has(s.kind)) uncertain++;
      }
      return { date, party, uncertain };
    });
    cache.set(id, points);
    return points;
  }
  function countAt(points, date, field) {
    let v = 0;
    for (const p of points) { if (p.date > date) break; v = p[field]; }
    return v;
  }

  // --- shared bits ------------------------------------------------------------------------------
  const palette = [...d3.schemeTableau10, ...d3.schemeDark2];
  const colourOf = new Map(data.instruments.map((inst, n) => [inst.key, palette[n % palette.length]]));
  const shown = new Set(data.instruments.map((i) => i.key));
  const forumSelect = document.getElementById("tl-forum");
  const marksBox = document.getElementById("tl-marks"), bandBox = document.getElementById("tl-uncertain");
  const tip = document.getElementById("tl-tooltip"), panel = document.getElementById("tl-panel");

  function showTip(ev, lines) {
    tip.replaceChildren();
    lines.forEach((text, n) => {
      const d = document.createElement("div");
      if (n === 0) d.style.fontWeight = "bold";
      d.textContent = text;
      tip.appendChild(d);
    });
    tip.hidden = false;
    const flip = ev.clientX > window.innerWidth - 360;
    tip.style.left = `${flip ? ev.clientX - tip.offsetWidth - 14 : ev.clientX + 14}px`;
    tip.style.top = `${ev.clientY + 10}px`;
  }
  const hideTip = () => { tip.hidden = true; };

  // The side panel: a heading and rows of [name, text or node].
  function showFacts(title, rows) {
    panel.replaceChildren();
    const h = document.createElement("h3");
    h.textContent = title;
    panel.appendChild(h);
    const table = document.createElement("table");
    for (const [k, v] of rows) {
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.textContent = k;
      tr.appendChild(th);
      const td = tr.insertCell();
      td.appendChild(typeof v === "string" ? document.createTextNode(v) : v);
    }
    panel.appendChild(table);
  }

  // --- parties per instrument -------------------------------------------------------------------
  const W = 1200, PM = { top: 150, right: 84, bottom: 34, left: 56 }, PH = 380;
  const psvg = d3.select("#tl-parties").attr("viewBox", `0 0 ${W} ${PM.top + PH + PM.bottom}`);
  const firstDay = [...data.instruments.map((i) => i.adopted), ...Object.values(data.acts).flat().map((a) => a[3])]
    .filter(Boolean).sort()[0] || today;
  const x = d3.scaleUtc().domain([utc(`${firstDay.slice(0, 4)}`), utc(today)]).range([PM.left, W - PM.right]);
  const y = d3.scaleLinear().range([PM.top + PH, PM.top]);
  const stepLine = d3.line().curve(d3.curveStepAfter).x((p) => x(utc(p.date))).y((p) => y(p.party));
  const band = d3.area().curve(d3.curveStepAfter).x((p) => x(utc(p.date)))
    .y0((p) => y(p.party)).y1((p) => y(p.party + p.uncertain));

  function legend() {
    const box = document.getElementById("tl-legend");
    box.replaceChildren();
    for (const inst of data.instruments) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.id = `tl-inst-${inst.key}`;
      input.checked = shown.has(inst.key);
      input.addEventListener("change", () => { if (input.checked) shown.add(inst.key); else shown.delete(inst.key); drawParties(); });
      const swatch = document.createElement("i");
      swatch.style.background = colourOf.get(inst.key);
      label.append(input, swatch, document.createTextNode(`${S.name(inst, lang)} (${inst.key})`));
      box.appendChild(label);
    }
  }

  function drawParties() {
    const forum = forumSelect.value;
    const lines = data.instruments.filter((i) => shown.has(i.key))
      .map((inst) => ({ inst, points: [{ date: iso(x.domain()[0]), party: 0, uncertain: 0 }, ...series(inst.key, forum)] }));
    y.domain([0, d3.max(lines, (l) => d3.max(l.points, (p) => p.party + p.uncertain)) || 1]).nice();
    psvg.selectAll("*").remove();
    psvg.append("g").attr("class", "grid").attr("transform", `translate(${PM.left},0)`)
      .call(d3.axisLeft(y).ticks(8).tickSize(-(W - PM.left - PM.right)).tickFormat(""));
    psvg.append("g").attr("class", "axis").attr("transform", `translate(0,${PM.top + PH})`)
      .call(d3.axisBottom(x).ticks(d3.utcYear.every(5)).tickFormat(d3.utcFormat("%Y")));
    psvg.append("g").attr("class", "axis").attr("transform", `translate(${PM.left},0)`).call(d3.axisLeft(y).ticks(8));
    psvg.append("text").attr("class", "axis-title").attr("transform", `translate(14,${PM.top + PH / 2}) rotate(-90)`)
      .attr("text-anchor", "middle").text(forum ? T("parties among the forum's members", "论坛成员中的缔约方") : T("parties", "缔约方"));
    if (marksBox.checked) drawMarks();
    if (bandBox.checked) {
      psvg.append("g").selectAll("path").data(lines.filter((l) => l.points.some((p) => p.uncertain)))
        .join("path").attr("class", "tl-band").attr("data-key", (l) => l.inst.key)
        .attr("fill", (l) => colourOf.get(l.inst.key)).attr("d", (l) => band(l.points));
    }
    psvg.append("g").selectAll("path").data(lines).join("path").attr("class", "tl-line")
      .attr("data-key", (l) => l.inst.key).attr("stroke", (l) => colourOf.get(l.inst.key)).attr("d", (l) => stepLine(l.points));
    // Each line's key at its right end, nudged apart where counts are close.
    const ends = lines.map((l) => ({ l, y: y(l.points[l.points.length - 1].party) })).sort((a, b) => b.y - a.y);
    let below = Infinity;
    for (const e of ends) { e.ly = Math.min(e.y, below - 10); below = e.ly; }
    psvg.append("g").selectAll("text").data(ends).join("text").attr("class", "tl-end-label")
      .attr("x", W - PM.right + 4).attr("y", (e) => e.ly + 3).attr("fill", (e) => colourOf.get(e.l.inst.key)).text((e) => e.l.inst.key);
    // A wide invisible copy of each line, so hovering does not need pixel precision.
    psvg.append("g").selectAll("path").data(lines).join("path").attr("class", "tl-hit")
      .attr("d", (l) => stepLine(l.points))
      .on("mousemove", (ev, l) => {
        const day = iso(x.invert(d3.pointer(ev, psvg.node())[0]));
        const date = day > today ? today : day;
        const pts = l.points, u = countAt(pts, date, "uncertain");
        const stale = l.inst.table_as_of && l.inst.table_as_of !== "unknown" && date > l.inst.table_as_of;
        showTip(ev, [
          `${S.name(l.inst, lang)} (${l.inst.key})`,
          `${date}: ${countAt(pts, date, "party")} ${T("parties", "个缔约方")}` + (u ? ` (+${u} ${T("uncertain", "不确定")})` : ""),
          `${T("status table as of", "状况表截至")} ${l.inst.table_as_of || "?"}` + (stale ? T(": later consents may be missing", "：之后的同意可能缺失") : ""),
        ]);
      })
      .on("mouseleave", hideTip);
    const summary = document.getElementById("tl-summary");
    summary.textContent = forum
      ? T(`counting the members of ${S.name(data.forums.find((f) => f.key === forum), "en")} on each date`,
        `仅计入各日期的${S.name(data.forums.find((f) => f.key === forum), "zh")}成员`)
      : T(`${lines.length} of ${data.instruments.length} instruments shown`, `显示${lines.length}/${data.instruments.length}项文书`);
  }

  // Labels stand above the chart, nudged right where dates crowd, with a leader to their date.
  function drawMarks() {
    const [lo, hi] = x.range();
    const ms = data.marks.filter((m) => m.date).map((m) => ({ m, x: x(utc(m.date)) }))
      .filter((d) => d.x >= lo && d.x <= hi).sort((a, b) => a.x - b.x);
    let last = -Infinity;
    for (const d of ms) { d.lx = Math.max(d.x, last + 10); last = d.lx; }
    const g = psvg.append("g").attr("class", "tl-marks").selectAll("g").data(ms).join("g")
      .attr("class", (d) => `tl-mark tl-mark-${d.m.kind === "forum" ? "forum" : "declaration"}`);
    g.append("line").attr("class", "rule").attr("x1", (d) => d.x).attr("x2", (d) => d.x).attr("y1", PM.top).attr("y2", PM.top + PH);
    g.append("path").attr("class", "leader").attr("d", (d) => `M${d.x},${PM.top}L${d.lx},${PM.top - 8}`);
    const label = (d) => `${S.name(d.m, lang)} — ${when(d.m.date)}`;
    g.append("text").attr("transform", (d) => `translate(${d.lx + 3},${PM.top - 10}) rotate(-90)`)
      .text((d) => cut(S.name(d.m, lang), 26) + (d.m.date.length === 4 ? ` ${T("(year)", "（年）")}` : ""))
      .append("title").text(label);
    g.append("line").attr("class", "hit").attr("x1", (d) => d.x).attr("x2", (d) => d.x).attr("y1", PM.top).attr("y2", PM.top + PH)
      .on("mousemove", (ev, d) => showTip(ev, [S.name(d.m, lang), `${when(d.m.date)} · ${d.m.kind === "forum" ? T("forum founded", "论坛成立") : T("declaration adopted", "宣言通过")}`]))
      .on("mouseleave", hideTip);
  }

  // --- arrangements -----------------------------------------------------------------------------
  // Changes on one day are ordered as they happen (signed before in force), so the later one shows.
  const RANK = ["under-negotiation", "announced", "signed", "in-force", "suspended", "struck-down", "terminated"];
  const STATUS = {
    "under-negotiation": ["#dadaeb", "under negotiation", "谈判中"], announced: ["#c6dbef", "announced", "已宣布"],
    signed: ["#6baed6", "signed", "已签署"], "in-force": ["#2171b5", "in force", "生效"],
    suspended: ["#fdae6b", "suspended", "暂停"], "struck-down": ["#d62728", "struck down by a court", "被法院裁定无效"],
    terminated: ["#969696", "terminated", "终止"],
  };
  const rank = (s) => (RANK.includes(s) ? RANK.indexOf(s) : 3.5);
  const extra = d3.scaleOrdinal(d3.schemeSet2);
  const statusColour = (s) => (STATUS[s] ? STATUS[s][0] : extra(s));
  const statusName = (s) => (STATUS[s] ? T(STATUS[s][1], STATUS[s][2]) : s);
  const statuses = [...new Set(data.arrangements.flatMap((a) => a.changes.map((c) => c[1])))].sort((a, b) => rank(a) - rank(b));

  function segmentsOf(a) {
    const cs = [...a.changes].sort((p, q) => (startOf(p[0]) < startOf(q[0]) ? -1 : startOf(p[0]) > startOf(q[0]) ? 1 : rank(p[1]) - rank(q[1])));
    return cs.map((c, n) => ({ a, change: c, to: n + 1 < cs.length ? cs[n + 1][0] : c[1] === "terminated" ? null : today, all: cs }))
      .filter((s) => s.to !== null);
  }

  function statusLegend() {
    const box = document.getElementById("tl-status-legend");
    box.replaceChildren();
    for (const s of statuses) box.appendChild(S.legendKey(statusColour(s), statusName(s)));
    const key = (t) => { const s = document.createElement("span"); s.className = "key"; s.textContent = t; return s; };
    box.append(key(T("◆ court ruling or order", "◆ 法院裁决或命令")), key(T("● transfer (area ∝ head count)", "● 移交（面积与人数成正比）")),
      key(T("○ transfer, head count not recorded", "○ 移交，人数未记录")), key(T("| terminated", "| 终止")));
  }

  function transferFacts(t, a) {
    showFacts(t[4] || T("transfer", "移交"), [
      [T("date", "日期"), when(t[0])], [T("head count", "人数"), t[1] === null ? T("not recorded", "未记录") : String(t[1])],
      [T("from → to", "从 → 至"), `${t[2] || "?"} → ${t[3] || "?"}`],
      [T("arrangement", "安排"), a ? S.name(a, lang) : T("none recorded", "无记录")], [T("source", "来源"), S.sourceNode(t[5])],
    ]);
  }
  function rulingFacts(r, a) {
    showFacts(r[2] || T("court event", "法院事件"), [
      [T("date", "日期"), when(r[0])], [T("kind", "类型"), r[1]], [T("outcome", "结果"), r[3] || T("not recorded", "未记录")],
      [T("concerns", "涉及"), S.name(a, lang)], [T("source", "来源"), S.sourceNode(r[4])],
    ]);
  }
  function segmentFacts(s) {
    const history = document.createElement("ul");
    for (const c of s.all) {
      const li = document.createElement("li");
      li.append(document.createTextNode(`${when(c[0])}: ${statusName(c[1])} — `), S.sourceNode(c[2]));
      history.appendChild(li);
    }
    showFacts(S.name(s.a, lang), [
      [T("status", "状况"), statusName(s.change[1])], [T("from", "自"), when(s.change[0])],
      [T("to", "至"), s.to === today ? `${today} (${T("today", "今天")})` : when(s.to)],
      [T("source", "来源"), S.sourceNode(s.change[2])], [T("type", "类型"), s.a.type],
      [T("parties", "当事方"), s.a.parties.map((p) => `${p[0]} (${p[1]})`).join(", ")],
      [T("arrangement source", "安排来源"), S.sourceNode(s.a.source)], [T("status history", "状况历史"), history],
    ]);
  }

  const ROW = 26, AM = { top: 8, right: 24, bottom: 34, left: 370 };
  function drawArrangements() {
    const rows = data.arrangements.map((a) => ({ a, label: S.name(a, lang), transfers: a.transfers, rulings: a.rulings }));
    if (data.other_transfers.length) rows.push({ a: null, label: T("transfers under no recorded arrangement", "无记录安排的移交"), transfers: data.other_transfers, rulings: [] });
    const asvg = d3.select("#tl-arrangements");
    asvg.selectAll("*").remove();
    const days = rows.flatMap((r) => [...(r.a ? r.a.changes.map((c) => c[0]) : []), ...r.rulings.map((x) => x[0]), ...r.transfers.map((t) => t[0])]).filter(Boolean).sort();
    const height = AM.top + Math.max(rows.length, 1) * ROW + AM.bottom;
    asvg.attr("viewBox", `0 0 ${W} ${height}`);
    if (!days.length) {
      asvg.append("text").attr("x", AM.left).attr("y", AM.top + ROW / 2).text(T("No arrangements recorded.", "无记录的安排。"));
      return;
    }
    const ax = d3.scaleUtc().domain([utc(days[0].slice(0, 4)), utc(today)]).range([AM.left, W - AM.right]);
    const px = (s) => ax(utc(s));
    const maxHead = d3.max(rows.flatMap((r) => r.transfers.map((t) => t[1] || 0))) || 1;
    const radius = d3.scaleSqrt().domain([0, maxHead]).range([0, 10]);
    asvg.append("g").attr("class", "grid").attr("transform", `translate(0,${height - AM.bottom})`)
      .call(d3.axisBottom(ax).ticks(d3.utcYear.every(1)).tickSize(-(height - AM.top - AM.bottom)).tickFormat(""));
    asvg.append("g").attr("class", "axis").attr("transform", `translate(0,${height - AM.bottom})`)
      .call(d3.axisBottom(ax).ticks(d3.utcYear.every(2)).tickFormat(d3.utcFormat("%Y")));
    const row = asvg.append("g").selectAll("g").data(rows).join("g")
      .attr("class", (r) => (r.a ? "tl-arr-row" : "tl-arr-other")).attr("data-id", (r) => (r.a ? r.a.id : ""))
      .attr("transform", (r, n) => `translate(0,${AM.top + n * ROW})`);
    row.append("rect").attr("class", (r, n) => `stripe${n % 2 ? " odd" : ""}`).attr("x", 0).attr("width", W).attr("height", ROW);
    row.append("text").attr("class", "tl-arr-label").attr("x", AM.left - 8).attr("y", ROW / 2 + 4).attr("text-anchor", "end")
      .text((r) => cut(r.label, 52)).append("title").text((r) => r.label);
    row.each(function (r) {
      const g = d3.select(this);
      if (r.a) {
        g.selectAll("rect.tl-seg").data(segmentsOf(r.a).filter((s) => startOf(s.to) > startOf(s.change[0]) || s.to === today)).join("rect")
          .attr("class", "tl-seg").attr("data-status", (s) => s.change[1]).attr("fill", (s) => statusColour(s.change[1]))
          .attr("x", (s) => px(s.change[0])).attr("width", (s) => Math.max(2, px(s.to) - px(s.change[0])))
          .attr("y", ROW / 2 - 5).attr("height", 10)
          .on("mousemove", (ev, s) => showTip(ev, [S.name(s.a, lang), `${statusName(s.change[1])}: ${when(s.change[0])} – ${s.to === today ? T("today", "今天") : when(s.to)}`]))
          .on("mouseleave", hideTip).on("click", (ev, s) => segmentFacts(s));
        g.selectAll("line.tl-end").data(r.a.changes.filter((c) => c[1] === "terminated")).join("line").attr("class", "tl-end")
          .attr("x1", (c) => px(c[0])).attr("x2", (c) => px(c[0])).attr("y1", ROW / 2 - 8).attr("y2", ROW / 2 + 8);
      }
      g.selectAll("path.tl-ruling").data(r.rulings).join("path").attr("class", "tl-ruling")
        .attr("d", d3.symbol(d3.symbolDiamond, 50)).attr("transform", (ru) => `translate(${px(ru[0])},${ROW / 2 - 7})`)
        .on("mousemove", (ev, ru) => showTip(ev, [ru[2] || T("court event", "法院事件"), `${when(ru[0])} · ${ru[1]}`, cut(ru[3] || "", 160), `${T("source", "来源")}: ${ru[4] || T("not recorded", "未记录")}`]))
        .on("mouseleave", hideTip).on("click", (ev, ru) => rulingFacts(ru, r.a));
      g.selectAll("circle.tl-transfer").data(r.transfers).join("circle")
        .attr("class", (t) => `tl-transfer${t[1] === null ? " no-count" : ""}`)
        .attr("cx", (t) => px(t[0])).attr("cy", ROW / 2).attr("r", (t) => (t[1] === null ? 3.5 : Math.max(2.5, radius(t[1]))))
        .on("mousemove", (ev, t) => showTip(ev, [t[4] || T("transfer", "移交"), when(t[0]),
          `${T("head count", "人数")}: ${t[1] === null ? T("not recorded", "未记录") : t[1]}`, `${t[2] || "?"} → ${t[3] || "?"}`,
          `${T("source", "来源")}: ${t[5] || T("not recorded", "未记录")}`]))
        .on("mouseleave", hideTip).on("click", (ev, t) => transferFacts(t, r.a));
    });
  }

  // --- controls -------------------------------------------------------------------------------
  function forumOptions() {
    forumSelect.options[0].textContent = T("all states and other actors", "全部国家及其他行为体");
    for (const o of [...forumSelect.options].slice(1)) o.textContent = S.name(data.forums.find((f) => f.key === o.value), lang);
  }
  for (const f of data.forums) {
    if (!f.members.some((m) => m[1] !== "observer")) continue;
    const o = document.createElement("option");
    o.value = f.key;
    forumSelect.appendChild(o);
  }
  const drawAll = () => { forumOptions(); legend(); statusLegend(); drawParties(); drawArrangements(); };
  forumSelect.addEventListener("change", drawParties);
  marksBox.addEventListener("change", drawParties);
  bandBox.addEventListener("change", drawParties);
  const setAll = (on) => { data.instruments.forEach((i) => (on ? shown.add(i.key) : shown.delete(i.key))); legend(); drawParties(); };
  document.getElementById("tl-all").addEventListener("click", () => setAll(true));
  document.getElementById("tl-none").addEventListener("click", () => setAll(false));
  S.languageSwitch(document.getElementById("lang"), (l) => { lang = l; drawAll(); });
  drawAll();

  // A read-only handle for tests and the curious: counts as drawn, under the chosen forum.
  window.migkgTimeline = Object.freeze({
    counts: (key, date) => countAt(series(key, forumSelect.value), date, "party"),
    uncertain: (key, date) => countAt(series(key, forumSelect.value), date, "uncertain"),
    shown: () => data.instruments.map((i) => i.key).filter((k) => shown.has(k)),
    forum: () => forumSelect.value,
  });
  window.migkgTimelineReady = true;
  window.migkgReady = true;
})();
