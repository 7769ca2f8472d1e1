// migkg network page: filters, date slider, search, neighbourhood highlight, side panel and
// language switch over a layout computed in Python. All text from the data is written with
// textContent, never as HTML; only http(s) URLs and the site's own state and forum pages become links.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("migkg-data").textContent);
  const NODE_COLOURS = { state: "#4e79a7", economy: "#76b7b2", organisation: "#59a14f", treaty: "#e15759", forum: "#f28e2b" };
  const DIM_NODE = "#e6e6e6", DIM_TEXT = "#c6c6c6", DIM_EDGE = "#cccccc";
  // Smallest on-screen label size (px) at the opening zoom; vis-network scales fonts with the zoom.
  const READABLE = 11.2;
  // Edges are many and overlap: fainter when there are many, so the labels stay legible.
  const EDGE_OPACITY = data.edges.length > 500 ? 0.22 : 0.6;
  const PAGE = /^(states|forums)\/[A-Za-z0-9][A-Za-z0-9._-]*\.html$/;
  const WEB = /^https?:\/\//;
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const hubGroups = new Set(data.hubs);
  const isHub = (n) => hubGroups.has(n.group);
  let lang = "en";
  const state = { filters: {}, date: null };
  let fontFactor = 1; // raised after the first fit if labels would be smaller than READABLE
  let lit = new Set(), litEdges = new Set(), focusId = null; // the highlighted neighbourhood
  // Labels drawn readable at any zoom: the selected node (or edge's ends), and the hovered node.
  const pinned = new Set();
  let hovered = null;
  const emphasised = (id) => pinned.has(id) || hovered === id;

  const label = (n) => (lang === "zh" && n.label_zh) ? n.label_zh : n.label_en;
  // The drawn label: wrapped or cut where Python said so, else the name itself.
  const drawn = (n) => (lang === "zh" && n.label_zh) ? (n.text_zh ?? n.label_zh) : (n.text_en ?? n.label_en);
  const url = (i) => (typeof i === "number" ? data.urls[i] || "" : "");

  const edgeData = new Map(data.edges.map((e) => [e.id, e]));
  const incident = new Map(data.nodes.map((n) => [n.id, []]));
  for (const e of data.edges) {
    incident.get(e.from).push(e.id);
    if (e.to !== e.from) incident.get(e.to).push(e.id);
  }

  let network = null;
  const scale = () => (network ? network.getScale() : 1);
  function nodeStyle(n) {
    const dim = lit.size > 0 && !lit.has(n.id);
    let size = n.font * fontFactor;
    if (emphasised(n.id)) size = Math.max(size, (READABLE + 2) / scale());
    return {
      id: n.id, label: drawn(n), title: label(n),
      color: dim ? DIM_NODE : (NODE_COLOURS[n.group] || "#999"),
      font: { size, color: dim ? DIM_TEXT : "#222", background: dim ? "rgba(255,255,255,0)" : "rgba(255,255,255,0.8)" },
    };
  }
  function edgeStyle(e) {
    const on = lit.size === 0 || litEdges.has(e.id);
    const colour = data.legend[e.group] || "#999";
    return {
      id: e.id,
      color: { color: on ? colour : DIM_EDGE, highlight: colour, hover: colour, opacity: lit.size ? (on ? 0.95 : 0.07) : EDGE_OPACITY },
      width: lit.size && on ? e.width * 1.6 : e.width,
    };
  }

  const nodes = new vis.DataSet(data.nodes.map((n) => ({
    ...nodeStyle(n), x: n.x, y: n.y, size: n.size,
    // Zoomed far out, state labels go below ~7 px on screen and are not drawn; hubs keep theirs to ~4 px.
    scaling: { label: { drawThreshold: isHub(n) ? 5 : 8 } },
  })));
  const edges = new vis.DataSet(data.edges.map((e) => ({
    ...edgeStyle(e), from: e.from, to: e.to, arrows: e.arrows ? "to" : undefined,
  })));
  function restyle(ids) {
    nodes.update((ids ? ids.map((id) => byId.get(id)) : data.nodes).map(nodeStyle));
  }
  function restyleEdges() { edges.update(data.edges.map(edgeStyle)); }

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
    visibleNodes = new Set(data.nodes.filter(isHub).map((n) => n.id));
    for (const e of data.edges) if (edgeVisible(e)) { visibleNodes.add(e.from); visibleNodes.add(e.to); }
  }
  const shownEdges = (id) => incident.get(id).filter((eid) => edgeVisible(edgeData.get(eid)));
  const nodeView = new vis.DataView(nodes, { filter: (n) => visibleNodes.has(n.id) });
  const edgeView = new vis.DataView(edges, { filter: (e) => edgeVisible(edgeData.get(e.id)) });

  network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView }, {
    physics: false,
    interaction: { hover: true, hideEdgesOnDrag: data.edges.length > 2000, tooltipDelay: 200 },
    nodes: { shape: "dot", borderWidth: 1 },
    edges: { smooth: false, selectionWidth: 0, hoverWidth: 0 },
  });

  // --- highlight: a node and its neighbours over the edges shown; everything else greyed ----
  function highlightNode(id) {
    focusId = id;
    litEdges = new Set(shownEdges(id));
    lit = new Set([id]);
    for (const eid of litEdges) { const e = edgeData.get(eid); lit.add(e.from); lit.add(e.to); }
    pinned.clear(); pinned.add(id);
    restyle(); restyleEdges();
  }
  function highlightEdge(eid) {
    const e = edgeData.get(eid);
    focusId = null;
    litEdges = new Set([eid]);
    lit = new Set([e.from, e.to]);
    pinned.clear(); pinned.add(e.from); pinned.add(e.to);
    restyle(); restyleEdges();
  }
  function clearHighlight() {
    focusId = null; lit = new Set(); litEdges = new Set(); pinned.clear();
    network.unselectAll();
    restyle(); restyleEdges();
  }

  const counts = document.getElementById("counts");
  function refresh() {
    recompute();
    nodeView.refresh();
    edgeView.refresh();
    if (focusId !== null) {
      if (visibleNodes.has(focusId)) { highlightNode(focusId); showNode(focusId); } else clearHighlight();
    } else if (lit.size) clearHighlight();
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
  function el(tag, text, cls) {
    const x = document.createElement(tag);
    if (text !== undefined) x.textContent = text;
    if (cls) x.className = cls;
    return x;
  }
  function webLink(href, text) {
    const a = el("a", text);
    a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer"; a.title = href;
    return a;
  }
  function factTable(rows) {
    const table = el("table");
    for (const [k, v, u] of rows) {
      const tr = table.insertRow();
      tr.insertCell().textContent = k;
      const value = tr.insertCell();
      const link = tr.insertCell();
      link.className = "src";
      if (u && u === v && WEB.test(u)) value.appendChild(webLink(u, u));
      else {
        value.textContent = v;
        if (u && WEB.test(u)) link.appendChild(webLink(u, "source ↗"));
        else if (u) link.textContent = u; // not a web address: shown, never followed
      }
    }
    return table;
  }
  function showFacts(title, facts, links) {
    panel.replaceChildren(el("h2", title), factTable(facts.map(([k, v]) => [k, v, ""])));
    if (links.length) {
      panel.appendChild(el("p", "sources and links · 来源与链接:"));
      const ul = el("ul");
      for (const href of links) {
        const li = el("li");
        if (WEB.test(href)) li.appendChild(webLink(href, href));
        else li.textContent = href;
        ul.appendChild(li);
      }
      panel.appendChild(ul);
    }
  }
  function showNode(id) {
    const n = byId.get(id);
    panel.replaceChildren(el("h2", label(n)));
    const shown = shownEdges(id);
    const others = new Set(shown.map((eid) => { const e = edgeData.get(eid); return e.from === id ? e.to : e.from; }));
    const head = [["name", n.label_en]];
    if (n.label_zh) head.push(["名称", n.label_zh]);
    head.push(["kind · 类型", n.group]);
    if (isHub(n)) head.push([n.group === "forum" ? "participants shown · 当前显示的参与方" : "parties shown · 当前显示的缔约方", `${others.size}`]);
    head.push(["connections shown · 当前连线", `${shown.length} of ${n.degree}`]);
    panel.appendChild(factTable(head));
    if (n.page && PAGE.test(n.page)) {
      const p = el("p", undefined, "page-link");
      const a = el("a", n.group === "forum" ? "forum page · 论坛页面" : "state page · 国家页面");
      a.href = n.page;
      p.appendChild(a);
      panel.appendChild(p);
    }
    for (const s of n.sections) {
      const box = el("section");
      box.dataset.section = s.key;
      box.appendChild(el("h3", `${s.heading} (${s.rows.length})`));
      box.appendChild(factTable(s.rows.map((r) => [r[0], r[1], url(r[2])])));
      panel.appendChild(box);
    }
  }
  function showEdge(eid) {
    const e = edgeData.get(eid);
    showFacts(`${label(byId.get(e.from))} → ${label(byId.get(e.to))}`, e.facts, e.links.map(url));
  }
  if (data.layout_note) panel.appendChild(el("p", data.layout_note, "hint"));
  const hint = [...panel.childNodes].map((x) => x.cloneNode(true));
  function select(id) {
    network.selectNodes([id]);
    highlightNode(id);
    showNode(id);
  }
  network.on("click", (params) => {
    if (params.nodes.length) select(params.nodes[0]);
    else if (params.edges.length) { highlightEdge(params.edges[0]); showEdge(params.edges[0]); }
    else { clearHighlight(); panel.replaceChildren(...hint.map((x) => x.cloneNode(true))); }
  });
  network.on("hoverNode", (p) => { hovered = p.node; restyle([p.node]); });
  network.on("blurNode", (p) => { if (hovered === p.node) hovered = null; restyle([p.node]); });
  network.on("zoom", () => restyle([...pinned, ...(hovered === null ? [] : [hovered])]));

  // --- search ------------------------------------------------------------------------------
  const search = document.getElementById("search");
  const names = el("datalist");
  names.id = "migkg-names";
  for (const n of [...data.nodes].sort((a, b) => a.label_en.localeCompare(b.label_en))) {
    const o = el("option"); o.value = n.label_en; names.appendChild(o);
  }
  document.body.appendChild(names);
  search.setAttribute("list", names.id);
  search.addEventListener("change", () => {
    const raw = search.value.trim(), q = raw.toLowerCase();
    if (!q) return;
    const shown = data.nodes.filter((n) => visibleNodes.has(n.id));
    const hit = shown.find((n) => (n.iso3 || "").toLowerCase() === q || n.label_en.toLowerCase() === q || n.label_zh === raw) ||
      shown.find((n) => n.label_en.toLowerCase().includes(q) || (raw && n.label_zh.includes(raw)));
    if (!hit) return;
    select(hit.id);
    // Close enough that the found node's label reads at about 16 px.
    network.focus(hit.id, { scale: Math.max(scale(), 16 / (hit.font * fontFactor)), animation: false });
    restyle([hit.id]);
  });

  // --- language ------------------------------------------------------------------------------
  document.getElementById("lang").addEventListener("change", (ev) => {
    lang = ev.target.checked ? "zh" : "en";
    restyle();
    document.querySelectorAll(".lang-en").forEach((x) => { x.hidden = lang !== "en"; });
    document.querySelectorAll(".lang-zh").forEach((x) => { x.hidden = lang !== "zh"; });
  });

  // --- legend --------------------------------------------------------------------------------
  const legend = document.getElementById("legend");
  for (const [group, colour] of Object.entries(data.legend)) {
    const s = el("span", undefined, "key");
    const i = el("i");
    i.style.background = colour;
    s.appendChild(i);
    s.appendChild(document.createTextNode(group));
    legend.appendChild(s);
  }
  for (const [group, colour] of Object.entries(NODE_COLOURS)) {
    if (!data.nodes.some((n) => n.group === group)) continue;
    const s = el("span", undefined, "key");
    const i = el("i", undefined, "dot");
    i.style.background = colour;
    s.appendChild(i);
    s.appendChild(document.createTextNode(group + " (node)"));
    legend.appendChild(s);
  }

  onDate();
  network.fit({ animation: false });
  // The layout leaves room for labels of READABLE px at the usual pane size; on a smaller pane
  // the labels grow to stay readable (and may then touch).
  const smallest = Math.min(...data.nodes.map((n) => n.font));
  if (data.nodes.length && smallest * scale() < READABLE) {
    fontFactor = READABLE / (smallest * scale());
    restyle();
  }
  // A read-only handle for tests and the curious: labels, what is shown and highlighted, sizes.
  window.migkg = Object.freeze({
    label: (id) => nodes.get(id).label,
    visibleNodes: () => [...visibleNodes],
    highlighted: () => [...lit],
    fontSize: (id) => nodes.get(id).font.size,
    scale: () => scale(),
    position: (id) => network.canvasToDOM(network.getPosition(id)),
  });
  window.migkgReady = true;
})();
