/* A [data-kt-copy="#input"] button copies the input's value to the clipboard and says so in its label
   (data-kt-copied); where the clipboard is not available the text is selected for Ctrl+C. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-kt-copy]") : null;
    if (!button) { return; }
    var input = document.querySelector(button.getAttribute("data-kt-copy"));
    if (!input) { return; }
    var label = button.querySelector("span") || button;
    function done() { label.textContent = button.getAttribute("data-kt-copied") || label.textContent; }
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {});
    } else {
      try { if (document.execCommand("copy")) { done(); } } catch (error) { /* selected: Ctrl+C */ }
    }
  });
})();
