// After a refused submission the error summary takes the focus, so that keyboard and
// screen-reader users hear what went wrong first; a link in it moves the focus to its field.
// A file, not inline script: the CSP allows none.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-field]");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("data-error-field"));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });
});
