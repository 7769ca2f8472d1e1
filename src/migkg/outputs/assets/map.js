// migkg world map: each instrument's status per state as of a date, or a statistics layer.
// Shapes join the graph's actors by ISO 3166-1 numeric code; all text goes in as textContent.
(function () {
  "use strict";
  const S = MigkgStatus;
  const data = JSON.parse(document.getElementById("migkg-data").textContent);
  const topo = JSON.parse(document.getElementById("migkg-topology").textContent);
  const consent = new Set(data.consent_kinds);
  const byNum = new Map();
  data.actors.forEach((a, i) => { if (a.num) byNum.set(a.num, i); });
  let lang = "en", date = data.today, layer = "status";
  const instrumentSelect = document.getElementById("instrument");
  function instrumentOptions() {
    const chosen = instrumentSelect.value;
    instrumentSelect.replaceChildren();
    for (const inst of data.instruments) {
      const o = document.createElement("option");
      o.value = inst.key;
      o.textContent = `${S.name(inst, lang)} (${inst.key})`;
      instrumentSelect.appendChild(o);
    }
    if (chosen) instrumentSelect.value = chosen;
  }
  instrumentOptions();
  const key = () => instrumentSelect.value;

  // --- the shapes ---------------------------------------------------------------------------
  const svg = d3.select("#map-svg");
  const projection = d3.geoEqualEarth().fitExtent([[4, 4], [956, 496]], { type: "Sphere" });
  const path = d3.geoPath(projection);
  svg.append("path").attr("class", "sphere").attr("d", path({ type: "Sphere" }));
  const features = topojson.feature(topo, topo.objects.countries).features;
  const shapes = svg.append("g").selectAll("path").data(features).join("path")
    .attr("class", "country")
    .attr("d", path)
    .attr("data-num", (f) => f.id || "")
    .attr("data-iso3", (f) => { const i = byNum.get(f.id); return i === undefined ? "" : data.actors[i].iso3; });

  // Economies (Hong Kong, Macao, Taiwan) and shapes with no actor are "not known": the treaty
  // tables list states, and a territory's status follows its state's declarations, not modelled here.
  function actorOf(f) {
    const i = byNum.get(f.id);
    return i === undefined ? null : { i, a: data.actors[i] };
  }
  function statusAt(x) {
    if (!x || x.a.kind !== "state") return { status: "unknown", kind: "", act: null };
    return S.statusOf(data.acts[String(x.i)], key(), date, consent);
  }

  // Statistics layers: thresholds chosen to spread the world's states over the classes.
  const LAYERS = {
    share: { field: "share", breaks: [1, 2.5, 5, 10, 20, 40], colours: d3.schemeBlues[7], unit: "%" },
    refugees: { field: "refugees", breaks: [1000, 10000, 50000, 200000, 1000000], colours: d3.schemeOranges[6], unit: "" },
  };
  function statFill(x) {
    const L = LAYERS[layer];
    const v = x && data.stats[String(x.i)] ? data.stats[String(x.i)][L.field] : "";
    if (v === "" || v === undefined) return { fill: data.status_colours.unknown, value: null };
    return { fill: d3.scaleThreshold(L.breaks, L.colours)(Number(v)), value: Number(v) };
  }

  function draw() {
    const counts = {};
    shapes.each(function (f) {
      const x = actorOf(f);
      if (layer === "status") {
        const s = statusAt(x);
        counts[s.status] = (counts[s.status] || 0) + 1;
        this.setAttribute("fill", S.colour(data, s));
        this.setAttribute("data-status", s.status);
        this.setAttribute("data-kind", s.kind);
      } else {
        const s = statFill(x);
        this.setAttribute("fill", s.fill);
        this.setAttribute("data-status", s.value === null ? "unknown" : "value");
      }
    });
    document.getElementById("summary").textContent = layer === "status"
      ? `shapes: ${counts.party || 0} party, ${counts.signatory || 0} signatory only, ${counts.uncertain || 0} uncertain, ${counts.denounced || 0} denounced`
      : "";
    const inst = data.instruments.find((x) => x.key === key());
    const cur = document.getElementById("currency");
    if (layer !== "status") cur.textContent = layer === "share"
      ? "UN DESA, International Migrant Stock 2020: migrants as a share of the population, mid-2020. The date slider does not apply."
      : "UNHCR Refugee Data Finder: refugees hosted at the end of 2020. The date slider does not apply.";
    else {
      const later = inst.later_actions !== "0" ? `, with ${inst.later_actions} later cited action(s) to ${inst.latest_later_action}` : "";
      const stale = date > inst.table_as_of ? " Actions after that date are in the graph only where a cited source added them: later consents may be missing." : "";
      cur.textContent = `${inst.en}: status table as of ${inst.table_as_of}${later}.${stale}`;
    }
    legend();
  }

  function legend() {
    const box = document.getElementById("legend");
    box.replaceChildren();
    if (layer === "status") {
      for (const [k, c] of Object.entries(data.kind_colours)) box.appendChild(S.legendKey(c, `party: ${S.kindText(k, lang, data)}`));
      for (const s of ["signatory", "uncertain", "denounced", "none", "unknown"]) {
        box.appendChild(S.legendKey(data.status_colours[s], data.status_names[s][lang === "zh" ? 1 : 0]));
      }
    } else {
      const L = LAYERS[layer];
      const edges = [0, ...L.breaks];
      L.colours.forEach((c, i) => {
        const hi = i < L.breaks.length ? `–${L.breaks[i].toLocaleString("en")}` : "+";
        box.appendChild(S.legendKey(c, `${edges[i].toLocaleString("en")}${hi}${L.unit}`));
      });
      box.appendChild(S.legendKey(data.status_colours.unknown, lang === "zh" ? "无数据" : "no figure"));
    }
  }

  // --- hover and click ----------------------------------------------------------------------
  const tip = document.getElementById("tooltip");
  function line(text, bold) {
    const d = document.createElement("div");
    if (bold) d.style.fontWeight = "bold";
    d.textContent = text;
    tip.appendChild(d);
  }
  shapes.on("mousemove", function (ev, f) {
    const x = actorOf(f);
    tip.replaceChildren();
    line(x ? S.name(x.a, lang) : (f.properties.name || ""), true);
    if (layer === "status") {
      const s = statusAt(x);
      line(data.status_names[s.status][lang === "zh" ? 1 : 0] + (s.kind && s.status !== "denounced" ? `: ${S.kindText(s.kind, lang, data)}` : ""));
      if (s.act) { line(S.dateText(s.act)); line(`source: ${s.act[6] || "not recorded"}`); }
    } else {
      const v = statFill(x).value;
      line(v === null ? "no figure" : `${v.toLocaleString("en")}${LAYERS[layer].unit}`);
    }
    tip.hidden = false;
    tip.style.left = `${ev.clientX + 14}px`;
    tip.style.top = `${ev.clientY + 10}px`;
  }).on("mouseleave", () => { tip.hidden = true; })
    .on("click", (ev, f) => { const x = actorOf(f); if (x && x.a.page) window.location.href = x.a.page; });

  // --- controls -------------------------------------------------------------------------------
  const slider = S.timeSlider(document.getElementById("date"), document.getElementById("date-label"),
    document.getElementById("play"), ...S.span(data), (iso) => { date = iso; draw(); });
  instrumentSelect.addEventListener("change", draw);
  document.getElementById("layer").addEventListener("change", (ev) => {
    layer = ev.target.value;
    document.getElementById("date").disabled = layer !== "status";
    draw();
  });
  S.languageSwitch(document.getElementById("lang"), (l) => { lang = l; instrumentOptions(); draw(); });
  const un = data.map_unmatched || { states: [], shapes: [] };
  document.getElementById("unmatched").textContent =
    `Not drawn (no shape at 1:50m): ${un.states.map((s) => `${s[1]} (${s[0]})`).join(", ") || "none"}. ` +
    `Shapes that are no state of the graph (shown as not known): ${un.shapes.map((s) => s[1]).join(", ") || "none"}.`;
  draw();

  // A read-only handle for tests and the curious.
  window.migkg = Object.freeze({
    date: () => date,
    setDate: (iso) => slider.set(iso),
    playing: () => slider.playing(),
    shape: (iso3) => {
      const el = document.querySelector(`#map-svg path[data-iso3="${CSS.escape(iso3)}"]`);
      return el ? { fill: el.getAttribute("fill"), status: el.getAttribute("data-status"), kind: el.getAttribute("data-kind") } : null;
    },
  });
  window.migkgReady = true;
})();
