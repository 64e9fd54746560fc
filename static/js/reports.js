// Reports pages: the print button and copying secret or public addresses.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-copy]") : null;
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var field = document.querySelector(target.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var label = target.textContent;
    var done = function () {
      target.textContent = target.getAttribute("data-copied") || label;
      window.setTimeout(function () { target.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();
