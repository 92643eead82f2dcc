// PlanHub: keyboard shortcuts. j / k move between a plan's sections, e edits the focused one,
// ? lists every shortcut (the footer's button opens the same list). Ctrl+Enter and Esc in the
// editor live in planhub.js, / (search) in search.js. Letter keys are left alone while typing
// in a field and with Ctrl, Alt or Cmd held, so the browser's own shortcuts keep working.
(function () {
  "use strict";

  var SECTIONS = "article.plan-body > .plan-section";

  var typingIn = window.PlanHub.typingIn; // planhub.js

  function dialog() {
    return document.getElementById("shortcuts-dialog");
  }

  var opener = null;

  function openShortcuts() {
    var box = dialog();
    if (!box || box.open) return;
    opener = document.activeElement;
    box.showModal();
    var close = box.querySelector("[data-shortcuts-close]");
    if (close) close.focus();
  }

  function sections() {
    return Array.prototype.slice.call(document.querySelectorAll(SECTIONS));
  }

  // The section the keyboard is on: the one holding focus, else the first one in view.
  function currentSection(list) {
    var active = document.activeElement;
    var holder = active && active.closest ? active.closest(SECTIONS) : null;
    if (holder) return holder;
    for (var i = 0; i < list.length; i++) {
      if (list[i].getBoundingClientRect().bottom > 0) return list[i];
    }
    return null;
  }

  function markOutline(section) {
    var outline = document.getElementById("outline");
    if (!outline) return;
    outline.querySelectorAll("a[aria-current]").forEach(function (link) {
      link.removeAttribute("aria-current");
    });
    var link = section && outline.querySelector('a[href="#' + section.id + '"]');
    if (link) link.setAttribute("aria-current", "location");
  }

  function focusSection(section) {
    if (!section.hasAttribute("tabindex")) section.tabIndex = -1;
    section.focus({ preventScroll: true });
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    section.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
    markOutline(section);
  }

  function move(step) {
    var list = sections();
    if (!list.length) return false;
    var current = currentSection(list);
    var active = document.activeElement;
    var onIt = current && active && current.contains(active);
    var index = current ? list.indexOf(current) : -1;
    // Not on a section yet: j starts at the first one in view, k at the one before it.
    var next = onIt || index < 0 ? index + step : (step > 0 ? index : index - 1);
    next = Math.max(0, Math.min(list.length - 1, next));
    focusSection(list[next]);
    return true;
  }

  function editCurrent() {
    var list = sections();
    var active = document.activeElement;
    var section = active && active.closest ? active.closest(SECTIONS) : null;
    if (!section && list.length) section = currentSection(list);
    var edit = section && section.querySelector(".edit-button");
    if (!edit) return false;
    edit.click();  // the same htmx request as the Edit button
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) return;
    var box = dialog();
    if (box && box.open) return;  // the dialog handles its own keys (Esc closes it)
    var handled = false;
    if (event.key === "?") {
      openShortcuts();
      handled = true;
    } else if (event.shiftKey) {
      return;
    } else if (event.key === "j") {
      handled = move(1);
    } else if (event.key === "k") {
      handled = move(-1);
    } else if (event.key === "e") {
      handled = editCurrent();
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-open]")) {
      openShortcuts();
    } else if (event.target.closest("[data-shortcuts-close]")) {
      dialog().close();
    } else if (event.target === dialog()) {
      dialog().close();  // a click on the backdrop
    }
  });

  // The outline follows focus moved by a click or Tab too, and keeps the mark when it refreshes.
  document.addEventListener("focusin", function (event) {
    var section = event.target.closest && event.target.closest(SECTIONS);
    if (section) markOutline(section);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "outline") {
      var active = document.activeElement;
      var section = active && active.closest ? active.closest(SECTIONS) : null;
      if (section) markOutline(section);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
      button.hidden = false;
    });
    var box = dialog();
    if (box) {
      box.addEventListener("close", function () {
        if (opener && opener.isConnected && opener.focus) opener.focus();
        opener = null;
      });
    }
  });
})();
