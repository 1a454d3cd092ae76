/* Small behaviours shared by the pages (no framework). */
(function () {
  "use strict";
  // Filter forms: the "metadata" pair becomes a meta.KEY=VALUE parameter; empty fields are not sent.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      var key = form.querySelector("#meta-key"), value = form.querySelector("#meta-value");
      if (key && value && value.value.trim()) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "meta." + key.value; input.value = value.value.trim();
        form.appendChild(input);
      }
      form.querySelectorAll("input, select").forEach(function (el) { if (el.name && !el.value) el.disabled = true; });
    });
  });
  // Copy buttons for survey links.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
})();
