/* Tables on small screens and scrollable regions. No build step, no inline script (the CSP
   allows scripts from our static files only).

   1. Every data table in the page gets its column header as a data-label on each cell and the
      class "table-stack": at phone width (app.css) its rows become stacked cards, each value
      under its column's name, so no column is cut off at the screen's edge. Because CSS "display"
      changes strip table semantics in some browsers, the table, its rows and cells also get
      explicit ARIA roles. A table marked "table-nostack" keeps its grid; without JavaScript
      tables keep their grid and scroll inside their .table-responsive box.
   2. A box that scrolls sideways (.table-responsive, .scroll-x) must be reachable by keyboard to
      be scrolled: it gets tabindex="0" and a name while, and only while, it actually overflows.

   Content that htmx swaps in (the urgent panel refreshes itself) is handled the same way. */
(function () {
  "use strict";

  function headerText(cell) {
    var text = (cell.innerText || cell.textContent || "").replace(/\s+/g, " ").trim();
    if (!text) {
      var hidden = cell.querySelector(".visually-hidden");
      text = hidden ? hidden.textContent.replace(/\s+/g, " ").trim() : "";
    }
    return text;
  }

  function columnLabels(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return null;
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var span = cell.colSpan || 1;
      var text = headerText(cell);
      for (var i = 0; i < span; i++) labels.push(text);
    });
    return labels;
  }

  function setRole(el, role) {
    if (!el.hasAttribute("role")) el.setAttribute("role", role);
  }

  function stack(table) {
    if (table.classList.contains("table-stack") || table.classList.contains("table-nostack")) return;
    var labels = columnLabels(table);
    if (!labels) return;
    setRole(table, "table");
    Array.prototype.forEach.call(table.children, function (group) {
      if (group.tagName === "CAPTION") return;
      setRole(group, "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      setRole(row, "row");
      var inHead = row.parentNode.tagName === "THEAD";
      var col = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (inHead) {
          setRole(cell, cell.tagName === "TH" ? "columnheader" : "cell");
        } else if (cell.tagName === "TH") {
          setRole(cell, "rowheader");
        } else {
          setRole(cell, "cell");
        }
        if (!inHead && labels[col] && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
          cell.setAttribute("data-label", labels[col]);
        }
        col += cell.colSpan || 1;
      });
    });
    table.classList.add("table-stack");
  }

  function scrollName(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return text || document.documentElement.getAttribute("data-scroll-label") || "";
  }

  function markScrollable(box) {
    var overflows = box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-focus", "");
      var name = scrollName(box);
      if (name) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      }
    } else if (!overflows && box.hasAttribute("data-scroll-focus")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-focus");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  function scrollBoxes(root) {
    return root.querySelectorAll(".table-responsive, .scroll-x");
  }

  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    Array.prototype.forEach.call(root.querySelectorAll("main table"), stack);
    if (root.matches && root.matches("main table")) stack(root);
    Array.prototype.forEach.call(scrollBoxes(root), markScrollable);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      Array.prototype.forEach.call(scrollBoxes(document), markScrollable);
    }, 100);
  });
  document.addEventListener("htmx:load", function (event) {
    enhance(event.detail && event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
