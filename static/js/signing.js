// Signing with a security key (docs/signing.md): when the sign-off form asks for one and no
// authenticator code was typed, the submit waits while the browser asks the key for an
// assertion on a fresh challenge; the assertion goes with the form (field "key") and the server
// checks it with the password. allauth's vendored webauthn-json is loaded the first time.
(function () {
  "use strict";

  var loading = null;

  function loadWebauthnJson(src) {
    if (window.webauthnJSON) return Promise.resolve(window.webauthnJSON);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.webauthnJSON); };
        script.onerror = function () { loading = null; reject(new Error("not loaded")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function say(box, text) {
    var note = box.querySelector(".signing-key-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "field-error signing-key-error";
      note.setAttribute("role", "alert");
      box.appendChild(note);
    }
    note.textContent = text;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var box = form.querySelector && form.querySelector("[data-signing-key]");
    if (!box) return;
    var key = form.querySelector("input[name=key]");
    var code = form.querySelector("input[name=code]");
    if (!key || key.value || (code && code.value.trim())) return;
    // Before htmx (listening on the form) sees it: the assertion first.
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter;
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    loadWebauthnJson(box.dataset.webauthnJson)
      .then(function () {
        return fetch(box.dataset.signingKey, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        });
      })
      .then(function (response) {
        if (!response.ok) throw new Error("no challenge");
        return response.json();
      })
      .then(function (data) { return window.webauthnJSON.get(data.request_options); })
      .then(function (credential) {
        key.value = JSON.stringify(credential);
        form.requestSubmit(submitter);
      })
      .catch(function () {
        say(box, "Your security key did not confirm it is you. Nothing was recorded: try " +
          "again" + (code ? ", or enter a code from your authenticator app." : "."));
      });
  }, true);
})();
