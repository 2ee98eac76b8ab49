// supplyeval web: small progressive enhancements; every page works without it.
(function () {
  "use strict";
  // Import progress: poll the job's status while it records.
  var prog = document.getElementById("import-progress");
  if (prog && prog.dataset.job) {
    var status = document.getElementById("import-status");
    var tick = function () {
      fetch("/import/jobs/" + encodeURIComponent(prog.dataset.job), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          prog.max = j.total || 1;
          prog.value = j.done || 0;
          if (status) { status.textContent = j.message || ""; }
          if (!j.finished) { setTimeout(tick, 300); }
        })
        .catch(function () { setTimeout(tick, 1000); });
    };
    tick();
  }
  // "As known at": a cycle's pin and a typed log position exclude each
  // other (the server reads the typed position first).
  var pin = document.getElementById("pin"), asOf = document.getElementById("asOf");
  if (pin && asOf && pin.tagName === "SELECT") {
    pin.addEventListener("change", function () { asOf.value = ""; });
    asOf.addEventListener("input", function () { if (asOf.value !== "") { pin.value = ""; } });
  }
  // Auto-submit selects marked so (the form still has a submit button).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.requestSubmit(); });
  });
})();
