// Progress form: keep percent and status consistent (100 percent means done),
// and show the "blocked by" field only when the status is "blocked".
(function () {
  "use strict";

  var form = document.querySelector(".progress-form");
  if (!form) {
    return;
  }
  var percent = form.querySelector("[data-progress-percent]");
  var status = form.querySelector("[data-progress-status]");
  var blocked = form.querySelector("[data-when-status='blocked']");

  function showBlockedReason() {
    if (!blocked || !status) {
      return;
    }
    var hasError = blocked.querySelector(".is-invalid") !== null;
    blocked.hidden = status.value !== "blocked" && !hasError;
  }

  if (status) {
    status.addEventListener("change", function () {
      if (status.value === "done" && percent) {
        percent.value = "100";
      } else if (status.value === "not_started" && percent) {
        percent.value = "0";
      } else if (percent && percent.value.trim() === "100") {
        percent.value = "";
        percent.focus();
      }
      showBlockedReason();
    });
  }
  if (percent && status) {
    percent.addEventListener("change", function () {
      var value = percent.value.trim();
      if (value === "100") {
        status.value = "done";
      } else if (status.value === "done" && value !== "") {
        status.value = "in_progress";
      } else if (status.value === "not_started" && value !== "" && value !== "0") {
        status.value = "in_progress";
      }
      showBlockedReason();
    });
  }
  showBlockedReason();
})();
