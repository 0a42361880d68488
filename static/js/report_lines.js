/* Monthly report form: "add a line" copies the empty formset row and bumps the management form. */
(function () {
  "use strict";
  var button = document.getElementById("add-line");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var total = document.getElementById("id_lines-TOTAL_FORMS");
    var html = document.getElementById("empty-line").innerHTML.replace(/__prefix__/g, total.value);
    document.getElementById("line-rows").insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
  });
})();
