/* Behaviour shared by every page. The content-security policy forbids inline scripts and
   on…= attributes, so forms opt in with data attributes instead. */
(function () {
  "use strict";
  // <select data-autosubmit>: submit the form as soon as a choice is made (the language switch).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.submit(); }
  });
  // data-confirm="…" on a submit button (or its form): ask before sending, and send nothing if
  // the user declines. Runs after the browser's own validation, so a required field comes first.
  // <form data-busy>: disable the button and show the form's .progress note while the server works.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.matches("form[data-busy]")) { return; }
    var button = form.querySelector("button");
    var progress = form.querySelector(".progress");
    if (button) { button.disabled = true; }
    if (progress) { progress.hidden = false; }
  });
  // The menu button on narrow screens: folds the menu and the user box away, Escape folds them back.
  var toggle = document.querySelector(".navtoggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
})();
