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
})();
