// migkg: a state's status under a treaty as of a date, worked out from its actions the way the
// parties-as-of query works it out in SPARQL (the browser tests check they agree):
//  - a consent counts from its latest possible day; if the date falls between its earliest and
//    latest possible days (a month or year precision that straddles it) the status is "uncertain";
//  - a denunciation whose earliest day lies between a consent's earliest day and the date undoes it;
//  - otherwise a signature makes a signatory, an undone consent a denunciation, nothing "none".
// Dates are ISO strings (YYYY-MM-DD), compared as strings.
// An action is [instrument, kind, date, earliest, latest, precision, source].
var MigkgStatus = (function () {
  "use strict";
  const KEY = 0, KIND = 1, EARLIEST = 3, LATEST = 4;

  function statusOf(acts, key, date, consentKinds) {
    const mine = (acts || []).filter((a) => a[KEY] === key && a[EARLIEST] <= date);
    let party = null, uncertain = null, undone = null, signature = null;
    for (const a of mine) {
      if (consentKinds.has(a[KIND])) {
        const denounced = mine.some((d) => d[KIND] === "denunciation" && a[EARLIEST] <= d[EARLIEST] && d[EARLIEST] <= date);
        if (denounced) undone = undone || a;
        else if (a[LATEST] <= date) party = party || a;
        else uncertain = uncertain || a;
      } else if (a[KIND] === "signature") signature = signature || a;
    }
    if (party) return { status: "party", kind: party[KIND], act: party };
    if (uncertain) return { status: "uncertain", kind: uncertain[KIND], act: uncertain };
    if (undone) {
      const d = mine.filter((x) => x[KIND] === "denunciation").pop();
      return { status: "denounced", kind: "denunciation", act: d || undone };
    }
    if (signature) {
      if (signature[LATEST] <= date) return { status: "signatory", kind: "signature", act: signature };
      return { status: "uncertain", kind: "signature", act: signature };
    }
    return { status: "none", kind: "", act: null };
  }

  // The fill for a status: consents by kind, the rest by status.
  function colour(data, s) {
    if (s.status === "party") return data.kind_colours[s.kind] || "#1f77b4";
    return data.status_colours[s.status];
  }

  // "2016-05-27", "2016-05 (month precision)", "2016 (year precision)".
  function dateText(act) {
    if (!act) return "";
    return act[5] === "day" ? act[2] : `${act[2]} (${act[5]} precision)`;
  }

  function kindText(kind, lang, data) {
    return lang === "zh" && data.kind_names_zh[kind] ? data.kind_names_zh[kind] : kind;
  }

  function today() { return new Date().toISOString().slice(0, 10); }

  // Days since 1970 and back, for sliders that step by day.
  const DAY = 86400000;
  function toDay(iso) { return Math.round(Date.parse(iso) / DAY); }
  function fromDay(n) { return new Date(n * DAY).toISOString().slice(0, 10); }

  // A source shown as a link only when it is a web address (a javascript: or other scheme is text).
  function sourceNode(url) {
    if (/^https?:\/\//.test(url)) {
      const a = document.createElement("a");
      a.href = url; a.textContent = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      return a;
    }
    return document.createTextNode(url || "");
  }

  // The dates a view's slider spans: from the first instrument's adoption to today (the viewer's,
  // or the build's if the viewer's clock is behind it).
  function span(data) {
    const first = data.instruments.map((i) => i.adopted).filter(Boolean).sort()[0] || "1950-01-01";
    return [first, today() > data.today ? today() : data.today];
  }

  // A date slider (by day, from `first` to `last`) with a play button that runs it through time
  // in about 12 seconds. `onChange(iso)` is called with each date shown.
  function timeSlider(slider, label, play, first, last, onChange) {
    slider.min = String(toDay(first));
    slider.max = String(toDay(last));
    slider.value = slider.max;
    slider.dataset.first = first;
    let timer = null;
    const show = () => {
      const iso = fromDay(Number(slider.value));
      label.value = iso;
      label.textContent = iso;
      onChange(iso);
    };
    const stop = () => { clearInterval(timer); timer = null; play.textContent = "▶ play · 播放"; };
    slider.addEventListener("input", () => { if (timer) stop(); show(); });
    play.addEventListener("click", () => {
      if (timer) { stop(); return; }
      if (Number(slider.value) >= Number(slider.max)) slider.value = slider.min;
      const step = Math.max(1, Math.round((Number(slider.max) - Number(slider.min)) / 120));
      play.textContent = "❚❚ pause · 暂停";
      timer = setInterval(() => {
        slider.value = String(Math.min(Number(slider.max), Number(slider.value) + step));
        show();
        if (Number(slider.value) >= Number(slider.max)) stop();
      }, 100);
    });
    show();
    return { set: (iso) => { slider.value = String(toDay(iso)); show(); }, playing: () => timer !== null };
  }

  // The language switch: every element with class lang-en / lang-zh, plus a callback to redraw labels.
  function languageSwitch(box, onChange) {
    box.addEventListener("change", () => {
      const lang = box.checked ? "zh" : "en";
      document.querySelectorAll(".lang-en").forEach((el) => { el.hidden = lang !== "en"; });
      document.querySelectorAll(".lang-zh").forEach((el) => { el.hidden = lang !== "zh"; });
      onChange(lang);
    });
  }

  function name(x, lang) { return lang === "zh" && x.zh ? x.zh : x.en; }

  // A legend key: a swatch and its text.
  function legendKey(colour, text) {
    const s = document.createElement("span");
    s.className = "key";
    const i = document.createElement("i");
    i.style.background = colour;
    s.appendChild(i);
    s.appendChild(document.createTextNode(text));
    return s;
  }

  return Object.freeze({
    statusOf, colour, dateText, kindText, today, toDay, fromDay, sourceNode, span, timeSlider, languageSwitch, name, legendKey,
  });
})();
