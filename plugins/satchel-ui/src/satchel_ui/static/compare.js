// satchel ui, static site: runs side by side, from the runs embedded in compare.html.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("runs-data").textContent);
  var byId = {};
  data.forEach(function (run) { byId[run.id] = run; });
  var wanted = new URLSearchParams(window.location.search).getAll("run");
  var runs = wanted.map(function (id) { return byId[id]; }).filter(Boolean);
  if (!runs.length) { return; }
  document.getElementById("compare-count").textContent = String(runs.length);
  function text(value) {
    if (value === undefined) { return "\u2014"; }
    if (typeof value === "string") { return value; }
    if (typeof value === "number" && !Number.isInteger(value)) { return String(Number(value.toPrecision(6))); }
    return JSON.stringify(value);
  }
  function el(tag, content, cls) {
    var node = document.createElement(tag);
    if (content !== undefined) { node.textContent = content; }
    if (cls) { node.className = cls; }
    return node;
  }
  var table = el("table", undefined, "compare");
  var head = el("thead"), top = el("tr");
  top.appendChild(el("th", ""));
  runs.forEach(function (run) {
    var th = el("th"), a = el("a", run.name);
    a.href = run.link; th.appendChild(a); th.appendChild(el("span", " " + run.id.slice(0, 8), "id"));
    top.appendChild(th);
  });
  head.appendChild(top); table.appendChild(head);
  [["Parameters", "params"], ["Results", "results"], ["Artifact hashes", "artifacts"], ["Function", "function"]]
    .forEach(function (section) {
      var body = el("tbody", undefined, "section"), title = el("tr"), cell = el("th", section[0], "section-title");
      cell.colSpan = runs.length + 1; title.appendChild(cell); body.appendChild(title);
      var keys = {};
      runs.forEach(function (run) { Object.keys(run[section[1]]).forEach(function (k) { keys[k] = true; }); });
      Object.keys(keys).sort().forEach(function (key) {
        var texts = runs.map(function (run) { return text(run[section[1]][key]); });
        var differs = texts.some(function (t) { return t !== texts[0]; });
        var row = el("tr", undefined, differs ? "differs" : "same");
        row.setAttribute("data-key", key);
        row.appendChild(el("th", key));
        texts.forEach(function (t) { var td = el("td"); td.appendChild(el("code", t)); row.appendChild(td); });
        body.appendChild(row);
      });
      table.appendChild(body);
    });
  var box = document.getElementById("compare");
  box.textContent = "";
  box.appendChild(table);
  var charts = document.getElementById("charts");
  var numeric = {};
  runs.forEach(function (run) {
    Object.keys(run.results).forEach(function (k) {
      if (typeof run.results[k] === "number") { numeric[k] = true; }
    });
  });
  Object.keys(numeric).sort().forEach(function (key) { charts.appendChild(chart(key)); });

  // A numeric result across the compared runs, drawn like the server's charts (svg.line_chart).
  function chart(key) {
    var ns = "http://www.w3.org/2000/svg", width = 680, height = 260;
    var left = 64, right = 56, top = 28, bottom = 40;
    var points = runs.filter(function (run) { return typeof run.results[key] === "number"; });
    var values = points.map(function (run) { return run.results[key]; });
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    if (low === high) { low -= 1; high += 1; }
    var step = (width - left - right) / Math.max(1, values.length - 1);
    function x(i) { return left + (values.length > 1 ? i * step : (width - left - right) / 2); }
    function y(v) { return top + (high - v) / (high - low) * (height - top - bottom); }
    function node(tag, attributes, content) {
      var e = document.createElementNS(ns, tag);
      Object.keys(attributes).forEach(function (a) { e.setAttribute(a, attributes[a]); });
      if (content !== undefined) { e.textContent = content; }
      return e;
    }
    var svg = node("svg", { "class": "chart", role: "img", viewBox: "0 0 " + width + " " + height,
      width: width, height: height });
    svg.appendChild(node("text", { "class": "chart-title", x: left, y: 18 }, key));
    svg.appendChild(node("line", { "class": "axis", x1: left, y1: top, x2: left, y2: height - bottom }));
    svg.appendChild(node("line", { "class": "axis", x1: left, y1: height - bottom, x2: width - right,
      y2: height - bottom }));
    [low, (low + high) / 2, high].forEach(function (tick) {
      svg.appendChild(node("text", { "class": "tick", x: left - 6, y: y(tick) + 4, "text-anchor": "end" },
        String(Number(tick.toPrecision(4)))));
    });
    svg.appendChild(node("polyline", { "class": "series", points: values.map(function (v, i) {
      return x(i).toFixed(1) + "," + y(v).toFixed(1); }).join(" ") }));
    points.forEach(function (run, i) {
      var dot = node("circle", { "class": "point", cx: x(i), cy: y(values[i]), r: 4 });
      dot.appendChild(node("title", {}, run.name + " " + run.id.slice(0, 8) + ": " + text(values[i])));
      svg.appendChild(dot);
      svg.appendChild(node("text", { "class": "tick", x: x(i), y: height - bottom + 16, "text-anchor": "middle" },
        (run.name + " " + run.id.slice(0, 8)).slice(0, 12)));
    });
    return svg;
  }
})();
