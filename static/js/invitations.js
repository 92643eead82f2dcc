// PlanHub: the invitations panel (invitations/invitations.html#panel), swapped whole by htmx
// after each invite, resend or revoke. The button that was pressed is gone with the old
// panel, so keyboard focus goes where the next step is: the field that needs fixing, else the
// address field, ready for the next invitation. (The outcome is read out by planhub.js.)
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var panel = document.getElementById("invitations");
    if (!panel || !config || config.verb !== "post") return;
    if (!/\/invitations\//.test(config.path || "")) return;
    var field = panel.querySelector(".has-error input, .has-error select") ||
      panel.querySelector("input[name=email]");
    if (field) field.focus();
  });
})();
