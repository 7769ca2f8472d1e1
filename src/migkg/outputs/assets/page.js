// migkg network page: filters, date slider, search, side panel and language switch over a
// precomputed layout. All text from the data is written with textContent, never as HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("migkg-data").textContent);
  const NODE_COLOURS = { state: "#4e79a7", organisation: "#59a14f", treaty: "#e15759", forum: "#f28e2b" };
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  let lang = "en";
  const state = { filters: {}, date: null };

  const label = (n) => (lang === "zh" && n.label_zh) ? n.label_zh : n.label_en;
  const nodes = new vis.DataSet(data.nodes.map((n) => ({
    id: n.id, label: label(n), x: n.x, y: n.y, size: n.size,
    color: NODE_COLOURS[n.group] || "#999", font: { size: n.group === "treaty" || n.group === "forum" ? 16 : 11 },
  })));
  const edges = new vis.DataSet(data.edges.map((e) => ({
    id: e.id, from: e.from, to: e.to, width: e.width,
    color: { color: data.legend[e.group] || "#999", opacity: 0.6 },
    arrows: e.arrows ? "to" : undefined,
  })));
  const edgeData = new Map(data.edges.map((e) => [e.id, e]));

  function edgeVisible(e) {
    for (const [key, value] of Object.entries(state.filters)) {
      if (value === "") continue;
      if (key === "region") {
        const a = byId.get(e.from), b = byId.get(e.to);
        if (a.region !== value && b.region !== value) return false;
      } else if (e[key] !== value) return false;
    }
    if (state.date) {
      // A year-only date (xsd:gYear) covers the whole year: a start counts from 1 January
      // (string order already does that), an end lasts to 31 December.
      if (e.start && e.start > state.date) return false;
      if (e.end && (e.end.length === 4 ? e.end + "-12-31" < state.date : e.end <= state.date)) return false;
    }
    return true;
  }
  let visibleNodes = new Set();
  function recompute() {
    visibleNodes = new Set(data.nodes.filter((n) => data.hubs.includes(n.group)).map((n) => n.id));
    for (const e of data.edges) if (edgeVisible(e)) { visibleNodes.add(e.from); visibleNodes.add(e.to); }
  }
  const nodeView = new vis.DataView(nodes, { filter: (n) => visibleNodes.has(n.id) });
  const edgeView = new vis.DataView(edges, { filter: (e) => edgeVisible(edgeData.get(e.id)) });

  const network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView }, {
    physics: false,
    interaction: { hover: true, hideEdgesOnDrag: data.edges.length > 2000 },
    nodes: { shape: "dot" },
    edges: { smooth: false },
  });

  const counts = document.getElementById("counts");
  function refresh() {
    recompute();
    nodeView.refresh();
    edgeView.refresh();
    const n = nodeView.length, m = edgeView.length;
    counts.dataset.nodes = n; counts.dataset.edges = m;
    counts.dataset.totalNodes = data.nodes.length; counts.dataset.totalEdges = data.edges.length;
    counts.textContent = `shown: ${n} nodes, ${m} edges (of ${data.nodes.length}, ${data.edges.length})`;
  }

  // --- filters -------------------------------------------------------------------------
  const FILTER_NAMES = { instrument: "treaty · 条约", forum: "forum · 论坛", group: "kind · 类型", region: "region · 区域" };
  const filterBox = document.getElementById("filters");
  for (const key of data.filters) {
    const values = new Set();
    if (key === "region") data.nodes.forEach((n) => n.region && values.add(n.region));
    else data.edges.forEach((e) => e[key] && values.add(e[key]));
    const lab = document.createElement("label");
    lab.textContent = FILTER_NAMES[key] + " ";
    const select = document.createElement("select");
    select.id = "filter-" + key;
    const all = document.createElement("option");
    all.value = ""; all.textContent = "all · 全部";
    select.appendChild(all);
    for (const v of [...values].sort()) {
      const o = document.createElement("option");
      o.value = v; o.textContent = v;
      select.appendChild(o);
    }
    select.addEventListener("change", () => { state.filters[key] = select.value; refresh(); });
    lab.appendChild(select);
    filterBox.appendChild(lab);
    state.filters[key] = "";
  }

  // --- date slider: the network as of any date --------------------------------------------
  const dates = data.edges.flatMap((e) => [e.start, e.end]).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  const slider = document.getElementById("date"), dateLabel = document.getElementById("date-label");
  const DAY = 86400000;
  // The slider runs from the first dated event to today (when the page is viewed); at its right
  // end the page shows the network as it stands now, with ended memberships and denounced consents hidden.
  const today = new Date().toISOString().slice(0, 10);
  const first = Date.parse(dates.length ? dates[0] : today);
  const last = Math.max(Date.parse(dates.length ? dates[dates.length - 1] : today), Date.parse(today));
  slider.max = String(Math.round((last - first) / DAY));
  slider.dataset.first = dates.length ? dates[0] : today;
  slider.value = slider.max;
  function onDate() {
    state.date = new Date(first + Number(slider.value) * DAY).toISOString().slice(0, 10);
    dateLabel.textContent = Number(slider.value) >= Number(slider.max) ? `today · 今天 (${state.date})` : state.date;
    refresh();
  }
  slider.addEventListener("input", onDate);
  if (!dates.length) slider.disabled = true;

  // --- side panel ---------------------------------------------------------------------------
  const panel = document.getElementById("panel");
  function showFacts(title, facts, links) {
    panel.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = title;
    panel.appendChild(h);
    const table = document.createElement("table");
    for (const [k, v] of facts) {
      const tr = table.insertRow();
      tr.insertCell().textContent = k;
      tr.insertCell().textContent = v;
    }
    panel.appendChild(table);
    if (links.length) {
      const p = document.createElement("p");
      p.textContent = "sources and links · 来源与链接:";
      panel.appendChild(p);
      const ul = document.createElement("ul");
      for (const url of links) {
        const li = document.createElement("li");
        if (/^https?:\/\//.test(url)) {
          const a = document.createElement("a");
          a.href = url; a.textContent = url; a.target = "_blank"; a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else li.textContent = url;
        ul.appendChild(li);
      }
      panel.appendChild(ul);
    }
  }
  function showNode(id) {
    const n = byId.get(id);
    const facts = [["name", n.label_en]].concat(n.label_zh ? [["名称", n.label_zh]] : [], n.facts, [["connections", String(n.degree)]]);
    showFacts(label(n), facts, n.links);
  }
  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) {
      const e = edgeData.get(params.edges[0]);
      showFacts(`${label(byId.get(e.from))} → ${label(byId.get(e.to))}`, e.facts, e.links);
    }
  });

  // --- search ------------------------------------------------------------------------------
  const search = document.getElementById("search");
  search.addEventListener("change", () => {
    const q = search.value.trim().toLowerCase();
    if (!q) return;
    const hit = data.nodes.find((n) => visibleNodes.has(n.id) &&
      (n.label_en.toLowerCase().includes(q) || n.label_zh.includes(search.value.trim()) || (n.iso3 || "").toLowerCase() === q));
    if (hit) {
      network.selectNodes([hit.id]);
      network.focus(hit.id, { scale: Math.max(network.getScale(), 0.6), animation: false });
      showNode(hit.id);
    }
  });

  // --- language ------------------------------------------------------------------------------
  document.getElementById("lang").addEventListener("change", (ev) => {
    lang = ev.target.checked ? "zh" : "en";
    nodes.update(data.nodes.map((n) => ({ id: n.id, label: label(n) })));
    document.querySelectorAll(".lang-en").forEach((el) => { el.hidden = lang !== "en"; });
    document.querySelectorAll(".lang-zh").forEach((el) => { el.hidden = lang !== "zh"; });
  });

  // --- legend --------------------------------------------------------------------------------
  const legend = document.getElementById("legend");
  for (const [group, colour] of Object.entries(data.legend)) {
    const s = document.createElement("span");
    s.className = "key";
    const i = document.createElement("i");
    i.style.background = colour;
    s.appendChild(i);
    s.appendChild(document.createTextNode(group));
    legend.appendChild(s);
  }
  for (const [group, colour] of Object.entries(NODE_COLOURS)) {
    if (!data.nodes.some((n) => n.group === group)) continue;
    const s = document.createElement("span");
    s.className = "key";
    const i = document.createElement("i");
    i.style.background = colour; i.style.borderRadius = "50%"; i.style.height = "0.8em"; i.style.width = "0.8em";
    s.appendChild(i);
    s.appendChild(document.createTextNode(group + " (node)"));
    legend.appendChild(s);
  }

  onDate();
  network.fit({ animation: false });
  // A read-only handle for tests and the curious: current labels and what is shown.
  window.migkg = Object.freeze({ label: (id) => nodes.get(id).label, visibleNodes: () => [...visibleNodes] });
  window.migkgReady = true;
})();
