// PlanHub: the top bar's search box. "/" anywhere but in a text field jumps to it (as on
// GitHub); Esc in it leaves it. Searching itself is a plain GET form and needs no script.
(function () {
  "use strict";

  var typingIn = window.PlanHub.typingIn; // planhub.js

  document.addEventListener("keydown", function (event) {
    var box = document.querySelector("[data-search-box]");
    if (!box) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey &&
        !event.defaultPrevented && !typingIn(event.target)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && event.target === box) {
      box.blur();
    }
  });
})();
