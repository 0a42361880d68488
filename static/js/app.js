/* Behaviour shared by every page. The content-security policy forbids inline scripts and
   on…= attributes, so forms opt in with data attributes instead. */
(function () {
  "use strict";
  // <select data-autosubmit>: submit the form as soon as a choice is made (the language switch).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.submit(); }
  });
  // <form data-busy>: disable the button and show the form's .progress note while the server works.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-busy]")) { return; }
    var button = form.querySelector("button");
    var progress = form.querySelector(".progress");
    if (button) { button.disabled = true; }
    if (progress) { progress.hidden = false; }
  });
})();
