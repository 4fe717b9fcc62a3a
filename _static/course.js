/* The course's own page behaviour (Jupyter Book loads every script in _static/ on every page). */

/* The download button's ".ipynb" entry saves the notebook, instead of showing its JSON in a new tab. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a.btn-download-source-button").forEach(function (a) {
    var href = a.getAttribute("href") || "";
    if (href.endsWith(".ipynb")) {
      a.setAttribute("download", href.split("/").pop());
      a.removeAttribute("target");
    }
  });
});

/* Printing a page (the download button's ".pdf", or the browser's Print) shows every folded answer and
   hidden output; they fold again afterwards. sphinx-togglebutton does the same for its dropdowns. */
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details:not([open])").forEach(function (d) {
    d.dataset.openedForPrint = "1";
    d.open = true;
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-opened-for-print]").forEach(function (d) {
    delete d.dataset.openedForPrint;
    d.open = false;
  });
});
