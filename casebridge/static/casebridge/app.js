/* casebridge: the little the pages need from script. Everything works without it; with it, a
   failed form says so where the eye and the screen reader already are. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A failed form: focus its error summary and say "Error:" in the page title.
  function showErrors(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (!summary) return;
    var prefix = summary.getAttribute("data-title-prefix");
    if (prefix && document.title.indexOf(prefix) !== 0) document.title = prefix + " " + document.title;
    summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    showErrors(document);
    var button = document.querySelector(".menu-button");
    if (button) {
      button.addEventListener("click", function () {
        var open = document.body.classList.toggle("menu-open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    showErrors(event.detail.target);
  });
})();
