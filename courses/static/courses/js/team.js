/* The team page: the header checkbox [data-kt-select-all] ticks or clears every row's checkbox of its
   form, and the count of ticked rows is shown in [data-kt-selected-count]. No inline handlers (CSP). */
(function () {
  "use strict";
  function boxes(form) { return form.querySelectorAll("input[type=checkbox][name=cadres]"); }
  function update(form) {
    var ticked = 0;
    boxes(form).forEach(function (box) { if (box.checked) { ticked += 1; } });
    form.querySelectorAll("[data-kt-selected-count]").forEach(function (el) { el.textContent = ticked; });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.form) { return; }
    if (target.matches("input[data-kt-select-all]")) {
      boxes(target.form).forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("input[data-kt-select-all], input[name=cadres]")) { update(target.form); }
  });
})();
