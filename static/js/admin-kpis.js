// KPI table in the posting admin: typing a target ticks the KPI as owned.
// (A target left next to an unticked KPI is reported by the server on save.)
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("[data-kpi-widget]").forEach(function (table) {
      table.addEventListener("input", function (event) {
        var input = event.target;
        if (!input.classList.contains("kpi-target") || !input.value.trim()) {
          return;
        }
        var row = input.closest("tr");
        var box = row && row.querySelector("input[type=checkbox]");
        if (box && !box.checked) {
          box.checked = true;
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
