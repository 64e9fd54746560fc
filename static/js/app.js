// ITA Tracker behaviour; loaded as a file so that the CSP forbids inline scripts.
(function () {
  "use strict";

  // Ask before a destructive action: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Submit a select's form when it changes: <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
