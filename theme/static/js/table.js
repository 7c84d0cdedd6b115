/* 目录总表: sort by any column and filter in place. Plain JS, no framework; without JS the full
   table is still there. Sorting compares Chinese text with the zh-CN collator. */
(function () {
  "use strict";
  var table = document.getElementById("catalogue-table");
  var tools = document.getElementById("table-tools");
  if (!table || !tools) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var collator = new Intl.Collator("zh-CN", { numeric: true });
  var status = document.getElementById("table-status");
  var text = document.getElementById("table-filter");
  var category = document.getElementById("table-category");
  var limit = document.getElementById("table-limit");
  tools.hidden = false;

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    button.textContent = th.textContent;
    var icon = document.createElement("span");  // the arrow is decoration: hidden from screen readers
    icon.className = "sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.appendChild(icon);
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, index); });
  });

  function sortBy(th, index) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = th.getAttribute("data-sort") === "number";
    rows.sort(function (a, b) {
      var x = a.cells[index].textContent.trim(), y = b.cells[index].textContent.trim();
      var order = numeric ? (parseFloat(x) - parseFloat(y)) : collator.compare(x, y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    status.textContent = "已按" + th.textContent.trim() + (ascending ? "升序" : "降序") + "排列";
  }

  function applyFilter() {
    var needle = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var keep = (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1) &&
        (!category.value || row.getAttribute("data-category") === category.value) &&
        (!limit.value || row.getAttribute("data-limit") === limit.value);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    status.textContent = "显示 " + shown + " / " + rows.length + " 项";
  }

  [text, category, limit].forEach(function (control) {
    control.addEventListener("input", applyFilter);
    control.addEventListener("change", applyFilter);
  });
}());
