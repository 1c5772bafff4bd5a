/* Behaviour that used to be inline (the Content-Security-Policy forbids inline handlers and style=):
   - <select data-kt-autosubmit> submits its form when changed;
   - [data-kt-width="42.5"] gets that width in percent (progress bars), [data-kt-height-rem] a height;
   applied on load and to content htmx swaps in. Setting element.style from a script file is allowed. */
(function () {
  "use strict";
  function apply(root) {
    root.querySelectorAll("[data-kt-width]").forEach(function (el) {
      var value = parseFloat(el.getAttribute("data-kt-width"));
      if (!isNaN(value)) { el.style.width = Math.max(0, Math.min(100, value)) + "%"; }
    });
    root.querySelectorAll("[data-kt-height-rem]").forEach(function (el) {
      var value = parseFloat(el.getAttribute("data-kt-height-rem"));
      if (!isNaN(value)) { el.style.height = value + "rem"; }
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-kt-autosubmit]") && target.form) { target.form.submit(); }
  });
  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  document.addEventListener("htmx:load", function (event) { apply(event.detail.elt.parentNode || event.detail.elt); });
})();
