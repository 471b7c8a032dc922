// satchel ui, static site: the runs table filtered, sorted and paginated in the page.
(function () {
  "use strict";
  var table = document.getElementById("runs");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var perPage = parseInt(table.getAttribute("data-per-page"), 10) || 50;
  var state = { sort: table.getAttribute("data-sort"), order: table.getAttribute("data-order"), page: 1 };
  var form = document.getElementById("filters");
  var pages = document.getElementById("pages");
  var count = document.getElementById("run-count");
  var shown = rows;

  function column(name) {
    for (var i = 0; i < headers.length; i++) {
      if (headers[i].getAttribute("data-column") === name) { return i; }
    }
    return -1;
  }
  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.getAttribute("data-value") : "";
  }
  function matches(row) {
    var project = form.elements.project.value, status = form.elements.status.value;
    var name = form.elements.name.value.toLowerCase(), workflow = form.elements.workflow.value;
    if (project && cellValue(row, column("project")) !== project) { return false; }
    if (status && cellValue(row, column("status")) !== status) { return false; }
    if (name && cellValue(row, column("name")).toLowerCase().indexOf(name) < 0) { return false; }
    if (workflow && cellValue(row, column("workflow")) !== workflow) { return false; }
    return true;
  }
  function compare(index, descending) {
    return function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x === "" || y === "") { return (x === "") - (y === ""); }  // missing last
      var nx = Number(x), ny = Number(y), numeric = !isNaN(nx) && !isNaN(ny);
      var order = numeric ? nx - ny : (x < y ? -1 : x > y ? 1 : 0);
      return descending ? -order : order;
    };
  }
  function draw() {
    shown = rows.filter(matches);
    var index = column(state.sort);
    if (index >= 0) { shown.sort(compare(index, state.order === "desc")); }
    var last = Math.max(1, Math.ceil(shown.length / perPage));
    state.page = Math.min(Math.max(1, state.page), last);
    var start = (state.page - 1) * perPage;
    rows.forEach(function (row) { row.classList.add("hidden"); });
    shown.forEach(function (row, i) {
      body.appendChild(row);
      if (i >= start && i < start + perPage) { row.classList.remove("hidden"); }
    });
    headers.forEach(function (th) {
      th.classList.remove("sorted", "asc", "desc");
      if (th.getAttribute("data-column") === state.sort) { th.classList.add("sorted", state.order); }
    });
    count.textContent = String(shown.length);
    pages.textContent = "";
    function button(label, page, rel) {
      var a = document.createElement("a");
      a.href = "#"; a.textContent = label; a.rel = rel;
      a.addEventListener("click", function (event) { event.preventDefault(); state.page = page; draw(); });
      pages.appendChild(a);
    }
    if (state.page > 1) { button("previous", state.page - 1, "prev"); }
    var where = document.createElement("span");
    where.textContent = "page " + state.page + " of " + last + " (" + shown.length + " runs)";
    pages.appendChild(where);
    if (state.page < last) { button("next", state.page + 1, "next"); }
  }
  headers.forEach(function (th) {
    var link = th.querySelector("a");
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var name = th.getAttribute("data-column");
      state.order = state.sort === name && state.order === "desc" ? "asc" : "desc";
      state.sort = name; state.page = 1; draw();
    });
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); state.page = 1; draw(); });
  draw();
})();
