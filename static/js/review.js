// PlanHub: review mode (templates/reviews/review_mode.html). j / k move between the sections,
// a approves the focused one (the version shown), r opens its "Request changes" box, ? lists
// the keys (shortcuts.js). Sections read are ticked for "Approve all I have read": those whose
// end stayed in view for a moment (scrolled through), or opened. Everything said goes to the
// page's live region too. Without JavaScript the same forms work (ticks by hand).
(function () {
  "use strict";

  var CARDS = "[data-review-card]";
  var READ_AFTER_MS = 600;
  var typingIn = window.PlanHub.typingIn; // planhub.js

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll(CARDS));
  }

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 30);
  }

  function describe(card) {
    var badge = card.querySelector(".status-badge");
    return card.dataset.heading + ", version " + card.dataset.version +
      (badge ? ", " + badge.textContent.trim() : "");
  }

  function currentCard(list) {
    var active = document.activeElement;
    var holder = active && active.closest ? active.closest(CARDS) : null;
    if (holder) return holder;
    for (var i = 0; i < list.length; i++) {
      if (list[i].getBoundingClientRect().bottom > 0) return list[i];
    }
    return null;
  }

  function focusCard(card) {
    card.focus({ preventScroll: true });
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    card.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
    announce(describe(card));
  }

  function move(step) {
    var list = cards();
    if (!list.length) return false;
    var current = currentCard(list);
    var onIt = current && current.contains(document.activeElement);
    var index = current ? list.indexOf(current) : -1;
    var next = onIt || index < 0 ? index + step : (step > 0 ? index : index - 1);
    focusCard(list[Math.max(0, Math.min(list.length - 1, next))]);
    return true;
  }

  function approve() {
    var card = currentCard(cards());
    if (!card) return false;
    var button = card.querySelector("[data-approve]");
    if (!button) {
      var why = card.querySelector(".gate-note, .self-note");
      announce(why ? why.textContent.trim() : card.dataset.heading + " is not waiting for your approval.");
      return true;
    }
    button.click();  // as the button does (htmx reads which button sent the form from its click)
    return true;
  }

  function requestChanges() {
    var card = currentCard(cards());
    var box = card && card.querySelector("details.changes-box");
    if (!box) return false;
    box.open = true;
    var comment = box.querySelector("[data-changes-comment]");
    if (comment) comment.focus();
    announce("Request changes on " + card.dataset.heading + ": write what should change, then press the button.");
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    if (typingIn(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    var handled = false;
    if (event.key === "j") handled = move(1);
    else if (event.key === "k") handled = move(-1);
    else if (event.key === "a") handled = approve();
    else if (event.key === "r") handled = requestChanges();
    if (handled) event.preventDefault();
  });

  // After a decision the card is swapped: keep the keyboard on it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var card = event.detail.target;
    if (card && card.matches && card.matches(CARDS) && card.isConnected) {
      card.focus({ preventScroll: true });
      observeBoxes(card);
    }
    updateCount();
  });

  // --- "Approve all I have read" ---
  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-read-box]"));
  }

  function updateCount() {
    var count = boxes().filter(function (box) { return box.checked; }).length;
    document.querySelectorAll("[data-read-count]").forEach(function (n) { n.textContent = count; });
  }

  function markRead(card) {
    var box = card.querySelector("[data-read-box]");
    if (box && !box.checked && !box.dataset.unticked) {
      box.checked = true;
      updateCount();
    }
  }

  var observer = null;

  function watchReading() {
    if (!("IntersectionObserver" in window)) return;
    var timers = new WeakMap();
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var card = entry.target.closest(CARDS);
        if (entry.isIntersecting) {
          timers.set(entry.target, setTimeout(function () { markRead(card); }, READ_AFTER_MS));
        } else {
          clearTimeout(timers.get(entry.target));
        }
      });
    });
    observeBoxes(document);
  }

  // A card's "I have read this" line is its end: in view for a moment = scrolled through.
  function observeBoxes(root) {
    if (!observer) return;
    root.querySelectorAll("[data-read-box]").forEach(function (box) {
      observer.observe(box.closest("label"));
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-read-box]")) {
      // Unticked by hand: reading on does not tick it again.
      if (!event.target.checked) event.target.dataset.unticked = "1";
      updateCount();
    }
  });
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.open && details.matches && details.matches("details.review-text")) markRead(details.closest(CARDS));
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "approve-read-form") return;
    if (event.submitter && event.submitter.hasAttribute("data-confirm")) return;
    event.preventDefault();
    var dialog = document.getElementById("approve-read-dialog");
    var list = dialog.querySelector("[data-read-list]");
    list.textContent = "";
    var read = boxes().filter(function (box) { return box.checked; });
    read.forEach(function (box) {
      var card = box.closest(CARDS);
      var item = document.createElement("li");
      item.textContent = card.dataset.heading + " — version " + card.dataset.version;
      list.appendChild(item);
    });
    var confirm = dialog.querySelector("[data-confirm]");
    confirm.hidden = !read.length;
    if (!read.length) {
      var none = document.createElement("li");
      none.textContent = "You have not read any section yet: scroll through them, or tick “I have read this”.";
      list.appendChild(none);
    }
    dialog.showModal();
    (read.length ? confirm : dialog.querySelector("[data-cancel-dialog]")).focus();
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel-dialog]");
    if (cancel) cancel.closest("dialog").close();
  });

  document.addEventListener("DOMContentLoaded", function () {
    updateCount();
    watchReading();
  });
})();
