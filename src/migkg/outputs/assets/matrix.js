// migkg matrix: one row per state (and per other actor with an action), one column per
// instrument, each cell its status as of the slider's date. All text goes in as textContent.
(function () {
  "use strict";
  const S = MigkgStatus;
  const data = JSON.parse(document.getElementById("migkg-data").textContent);
  const consent = new Set(data.consent_kinds);
  const SHORT = { ratification: "R", accession: "a", succession: "d", acceptance: "A", approval: "AA",
    "ratification-or-accession": "r/a", signature: "s", denunciation: "x" };
  let lang = "en", date = data.today;
  const table = document.getElementById("matrix");
  const groupSelect = document.getElementById("group"), forumSelect = document.getElementById("forum");
  for (const f of data.forums) {
    if (!f.members.length) continue;
    const o = document.createElement("option");
    o.value = f.key;
    o.textContent = f.en;
    forumSelect.appendChild(o);
  }

  // Membership as of the date: any role but observer; no recorded start counts from the first day;
  // a year-only end lasts to 31 December.
  function covers(m) {
    const [, role, start, end] = m;
    if (role === "observer") return false;
    if (start && start > date) return false;
    if (end && (end.length === 4 ? `${end}-12-31` : end) < date) return false;
    return true;
  }
  function membersOf(forumKey) {
    const f = data.forums.find((x) => x.key === forumKey);
    return new Set(f ? f.members.filter(covers).map((m) => m[0]) : []);
  }

  function groupsOf(i) {
    const a = data.actors[i], how = groupSelect.value;
    if (a.kind !== "state" && a.kind !== "economy") return ["organisations · 国际组织"];
    if (how === "region") return [a.region || "no region recorded"];
    if (how === "subregion") return [a.subregion || "no sub-region recorded"];
    if (how === "name") return [""];
    const fs = data.forums.filter((f) => f.members.some((m) => m[0] === i && covers(m))).map((f) => S.name(f, lang));
    return fs.length ? fs : ["no forum membership recorded · 无论坛成员资格"];
  }

  function header() {
    const thead = table.tHead;
    thead.replaceChildren();
    const tr = thead.insertRow();
    const corner = document.createElement("th");
    corner.textContent = lang === "zh" ? "国家" : "state";
    tr.appendChild(corner);
    for (const inst of data.instruments) {
      const th = document.createElement("th");
      th.className = "inst";
      // Column heads stay short (key and the name's start) so the grid, not its heads, fills the screen.
      const full = S.name(inst, lang);
      th.textContent = `${inst.key} · ${full.length > 26 ? full.slice(0, 25) + "…" : full}`;
      th.title = `${full} (${inst.key}); status table as of ${inst.table_as_of}`;
      tr.appendChild(th);
    }
  }

  function cell(td, i, inst) {
    const s = S.statusOf(data.acts[String(i)], inst.key, date, consent);
    td.className = "cell";
    td.dataset.status = s.status;
    td.dataset.kind = s.kind;
    td.dataset.key = inst.key;
    td.style.background = S.colour(data, s);
    td.textContent = s.status === "party" || s.status === "signatory" ? SHORT[s.kind] || "" :
      s.status === "uncertain" ? "?" : s.status === "denounced" ? "x" : "";
    const a = data.actors[i];
    td.title = `${S.name(a, lang)} — ${inst.en}: ${data.status_names[s.status][0]}` +
      (s.act ? `, ${s.act[1]} ${S.dateText(s.act)}; source: ${s.act[6] || "not recorded"}` : "");
    return s;
  }

  function draw() {
    const only = forumSelect.value ? membersOf(forumSelect.value) : null;
    const rows = [];
    data.actors.forEach((a, i) => {
      if (only && !only.has(i)) return;
      for (const g of groupsOf(i)) rows.push({ g, i });
    });
    rows.sort((x, y) => x.g.localeCompare(y.g) || S.name(data.actors[x.i], lang).localeCompare(S.name(data.actors[y.i], lang)));
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    const parties = data.instruments.map(() => new Set()), uncertain = data.instruments.map(() => new Set());
    let group = null;
    const shown = new Set();
    for (const { g, i } of rows) {
      if (g !== group && g !== "") {
        const gr = tbody.insertRow();
        gr.className = "group";
        const th = document.createElement("th");
        th.colSpan = data.instruments.length + 1;
        th.textContent = g;
        gr.appendChild(th);
      }
      group = g;
      shown.add(i);
      const tr = tbody.insertRow();
      tr.dataset.actor = data.actors[i].iso3 || data.actors[i].id;
      const th = document.createElement("th");
      th.className = "rowhead";
      const a = data.actors[i];
      if (a.page) {
        const link = document.createElement("a");
        link.href = a.page;
        link.textContent = S.name(a, lang);
        th.appendChild(link);
      } else th.textContent = S.name(a, lang);
      tr.appendChild(th);
      data.instruments.forEach((inst, c) => {
        const s = cell(tr.insertCell(), i, inst);
        if (s.status === "party") parties[c].add(i);
        else if (s.status === "uncertain" && s.kind !== "signature") uncertain[c].add(i);
      });
    }
    const tfoot = table.tFoot;
    tfoot.replaceChildren();
    const fr = tfoot.insertRow();
    const th = document.createElement("th");
    th.textContent = lang === "zh" ? "缔约方（不确定）" : "parties (uncertain)";
    fr.appendChild(th);
    data.instruments.forEach((inst, c) => {
      const td = fr.insertCell();
      td.dataset.key = inst.key;
      td.dataset.parties = String(parties[c].size);
      td.dataset.uncertain = String(uncertain[c].size);
      td.textContent = uncertain[c].size ? `${parties[c].size} (${uncertain[c].size})` : String(parties[c].size);
    });
    document.getElementById("summary").textContent = `${shown.size} actors shown as of ${date}`;
  }

  // Clicking a cell gives its facts, with the source as a link when it is a web address.
  table.addEventListener("click", (ev) => {
    const td = ev.target.closest("td.cell");
    if (!td) return;
    const i = data.actors.findIndex((a) => (a.iso3 || a.id) === td.parentElement.dataset.actor);
    const inst = data.instruments.find((x) => x.key === td.dataset.key);
    const side = document.getElementById("side");
    side.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = `${S.name(data.actors[i], lang)} — ${S.name(inst, lang)}`;
    side.appendChild(h);
    const t = document.createElement("table");
    const acts = (data.acts[String(i)] || []).filter((a) => a[0] === inst.key);
    for (const a of acts) {
      const tr = t.insertRow();
      tr.insertCell().textContent = S.kindText(a[1], lang, data);
      tr.insertCell().textContent = S.dateText(a);
      tr.insertCell().appendChild(S.sourceNode(a[6]));
    }
    if (!acts.length) t.insertRow().insertCell().textContent = "no action recorded · 无记录的行动";
    side.appendChild(t);
  });

  const legendBox = document.getElementById("legend");
  function legend() {
    legendBox.replaceChildren();
    for (const [k, c] of Object.entries(data.kind_colours)) legendBox.appendChild(S.legendKey(c, `${SHORT[k] || ""} ${S.kindText(k, lang, data)}`));
    for (const s of ["signatory", "uncertain", "denounced", "none"]) legendBox.appendChild(S.legendKey(data.status_colours[s], data.status_names[s][lang === "zh" ? 1 : 0]));
  }

  header();
  legend();
  const slider = S.timeSlider(document.getElementById("date"), document.getElementById("date-label"),
    document.getElementById("play"), ...S.span(data), (iso) => { date = iso; draw(); });
  groupSelect.addEventListener("change", draw);
  forumSelect.addEventListener("change", draw);
  S.languageSwitch(document.getElementById("lang"), (l) => { lang = l; header(); legend(); draw(); });

  window.migkg = Object.freeze({
    date: () => date,
    setDate: (iso) => slider.set(iso),
    playing: () => slider.playing(),
    counts: () => Object.fromEntries([...table.tFoot.rows[0].cells].slice(1).map((td) =>
      [td.dataset.key, { parties: Number(td.dataset.parties), uncertain: Number(td.dataset.uncertain) }])),
  });
  window.migkgReady = true;
})();
