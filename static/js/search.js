// Search filters: submit the form when a checkbox or select changes (the form
// works without this script; it only saves a click).
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  if (!form) return;
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches('input[type="checkbox"], select')) {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  // Leave empty fields out of the URL so shared links stay short.
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && (el.type === "text" || el.type === "search" || el.type === "number" || el.tagName === "SELECT") && !el.value) {
        el.disabled = true;
      }
    });
  });
})();
