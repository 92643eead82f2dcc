// PlanHub: the webhook form's "Generate a new secret" button (hidden without JavaScript; the
// server fills a random secret into a new webhook's form anyway).
(function () {
  "use strict";

  function randomSecret() {
    var bytes = new Uint8Array(32);
    window.crypto.getRandomValues(bytes);
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-generate-secret]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-generate-secret"));
      if (!field) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        field.value = randomSecret();
        field.focus();
        field.select();
        var announcer = document.getElementById("announcer");
        if (announcer) announcer.textContent = "New secret generated: copy it to your receiver, then save.";
      });
    });
  });
})();
