/* The Import page: send the file, then follow the job until it is done. */
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form) return;
  var box = document.getElementById("import-status"), bar = document.getElementById("import-bar");
  var T = JSON.parse(document.getElementById("import-texts").textContent);
  function show(html) { box.innerHTML = html; }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function fmt(template, values) { return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function poll(id) {
    fetch("/api/v1/imports/" + id, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (job) {
      if (job.error && !job.status) { show('<div class="error-box">' + esc(job.error.message) + "</div>"); return; }
      var pct = job.total_bytes ? Math.min(100, Math.round(100 * job.done_bytes / job.total_bytes)) : 0;
      bar.style.width = pct + "%";
      if (job.status === "running") { show(esc(T.running) + " " + pct + " %"); setTimeout(function () { poll(id); }, 700); return; }
      bar.style.width = "100%";
      if (job.status === "failed") { show('<div class="error-box"><strong>' + esc(T.failed) + " — " + esc(job.error.code) + "</strong> " + esc(job.error.message) + "<br>" + esc(job.error.fix) + "</div>"); return; }
      var r = job.report, html = '<p id="import-summary">' + esc(fmt(T.done, { run: r.run_id, input: r.input, stored: r.stored, duplicate: r.duplicate, rejected: r.rejected, analysed: r.analysed })) + "</p>";
      if (job.rejections.length) {
        html += "<h2>" + esc(T.rejections) + "</h2><table><tr><th>" + esc(T.row) + "</th><th>" + esc(T.code) + "</th><th>" + esc(T.reason) + "</th></tr>";
        job.rejections.forEach(function (x) { html += "<tr><td>" + esc(x.row) + "</td><td>" + esc(x.code) + "</td><td>" + esc(x.reason) + "</td></tr>"; });
        html += "</table>";
      }
      show(html);
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(esc(T.running)); bar.style.width = "0";
    fetch("/api/v1/imports", { method: "POST", body: new FormData(form), headers: { Accept: "application/json", "X-CSRF-Token": form.elements.csrf_token.value } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.error) { show('<div class="error-box"><strong>' + esc(job.error.code) + "</strong> " + esc(job.error.message) + "<br>" + esc(job.error.fix) + "</div>"); return; }
        poll(job.id);
      });
  });
})();
