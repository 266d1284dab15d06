// Charts (uPlot) over the JSON beside each chart; the data table under it stays for readers without JS.
(function () {
  // dates in French (jj/mm/aa), not the browser's default US order
  function frDate(seconds) {
    return new Date(seconds * 1000).toLocaleDateString("fr-FR", { day: "2-digit", month: "2-digit", year: "2-digit" });
  }
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent || "[]");
    if (!window.uPlot || !data.length) return;
    var xs = data.map(function (p) { return Date.parse(p[0]) / 1000; });
    var ys = data.map(function (p) { return p[1]; });
    var pct = el.dataset.percent === "true";
    var opts = {
      width: Math.max(320, Math.min(el.clientWidth || 640, 900)), height: 220,
      scales: { x: { time: true } },
      axes: [{ space: 80, values: function (u, vals) { return vals.map(frDate); } },
             { values: function (u, vals) { return vals.map(function (v) { return pct ? (v * 100).toFixed(1) + " %" : v; }); } }],
      series: [{ label: "date", value: function (u, v) { return v == null ? "—" : frDate(v); } },
               { label: el.dataset.yLabel, stroke: "#0b4f9c", width: 2, fill: "rgba(11,79,156,0.12)" }]
    };
    new window.uPlot(opts, [xs, ys], el);
  }
  function all() { document.querySelectorAll("[data-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
  // a period preset replaces custom dates; typing a date means a custom period
  document.addEventListener("change", function (e) {
    var t = e.target, form = t.form;
    if (!form) return;
    if (t.name === "periode" && (t.value === "tout" || t.value === "trimestre" || t.value === "mois")) {
      ["from", "to"].forEach(function (n) { if (form.elements[n]) form.elements[n].value = ""; });
    }
    if ((t.name === "from" || t.name === "to") && form.elements.periode) form.elements.periode.value = "perso";
  });
})();
