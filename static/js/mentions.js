// PlanHub: @mention autocomplete in comment and reply boxes (textarea[data-mentions="<url>"]).
// Typing "@" and the start of a name lists the project's matching members below the box
// (a listbox the textarea controls, its active option named by aria-activedescendant and read
// out by a polite live region): Up/Down move, Enter or Tab inserts "@username ", Escape
// closes; with the list closed, Ctrl+Enter sends the comment. Without this file the box is
// a plain textarea; mentions are found by the server either way.
// Events are delegated from the document, so boxes that htmx swaps in work as they come.
(function () {
  "use strict";

  // The "@name" being typed just before the caret: the "@" may not continue a word, an
  // address or a path (the server's rule, planhub/document/mentions.py).
  var TYPED = /(^|[^\p{L}\p{N}.+\-@\/])@([\p{L}\p{N}_.+\-]{0,150})$/u;
  var DELAY = 120; // ms of quiet typing before asking the server
  var counter = 0;
  var status = null; // the live region (one per page)

  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      status.id = "mention-status";
      document.body.appendChild(status);
    }
    status.textContent = text;
  }

  // One state per textarea, kept on the element itself (it goes when htmx replaces it).
  function state(box) {
    if (!box._mentions) {
      var list = document.createElement("ul");
      counter += 1;
      list.id = "mention-list-" + counter;
      list.className = "mention-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Members to mention");
      list.hidden = true;
      box.insertAdjacentElement("afterend", list);
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-controls", list.id);
      list.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus (and the caret) in the box
        var option = event.target.closest("[role=option]");
        if (option) choose(box, Number(option.dataset.index));
      });
      box._mentions = { list: list, members: [], active: -1, typed: null, timer: 0, asked: 0 };
    }
    return box._mentions;
  }

  function typedAt(box) {
    if (box.selectionStart !== box.selectionEnd) return null;
    var match = TYPED.exec(box.value.slice(0, box.selectionStart));
    if (!match) return null;
    return { query: match[2], start: box.selectionStart - match[2].length - 1 };
  }

  function close(box) {
    var st = box._mentions;
    if (!st || st.list.hidden) return;
    st.list.hidden = true;
    st.list.textContent = "";
    st.members = [];
    st.active = -1;
    st.typed = null;
    box.removeAttribute("aria-activedescendant");
  }

  function optionLabel(member) {
    return "@" + member.username + (member.name ? ", " + member.name : "");
  }

  function show(box, members, typed) {
    var st = state(box);
    st.members = members;
    st.typed = typed;
    st.list.textContent = "";
    if (!members.length) {
      close(box);
      announce("No member matches @" + typed.query + ".");
      return;
    }
    members.forEach(function (member, index) {
      var option = document.createElement("li");
      option.id = st.list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      var username = document.createElement("span");
      username.className = "mention-username";
      username.textContent = "@" + member.username;
      option.appendChild(username);
      if (member.name) {
        var name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = member.name;
        option.appendChild(name);
      }
      st.list.appendChild(option);
    });
    st.list.style.top = box.offsetTop + box.offsetHeight + "px";
    st.list.style.left = box.offsetLeft + "px";
    st.list.hidden = false;
    activate(box, 0, members.length + " member" + (members.length === 1 ? "" : "s") +
      " to mention, Up and Down to choose, Enter to insert. ");
  }

  function activate(box, index, prefix) {
    var st = box._mentions;
    var count = st.members.length;
    st.active = (index + count) % count;
    var options = st.list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === st.active ? "true" : "false");
    }
    var option = options[st.active];
    box.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
    announce((prefix || "") + optionLabel(st.members[st.active]) + ", " + (st.active + 1) +
      " of " + count + ".");
  }

  function choose(box, index) {
    var st = box._mentions;
    var member = st.members[index];
    var typed = st.typed;
    if (!member || !typed) return;
    var end = typed.start + 1 + typed.query.length;
    var text = "@" + member.username + " ";
    box.setRangeText(text, typed.start, end, "end");
    close(box);
    announce("Mentioned @" + member.username + ".");
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function ask(box) {
    var st = state(box);
    var typed = typedAt(box);
    if (!typed) {
      close(box);
      return;
    }
    var asked = ++st.asked;
    var url = box.dataset.mentions + "?q=" + encodeURIComponent(typed.query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { members: [] }; })
      .then(function (data) {
        // A later keystroke asked again meanwhile, or the box is gone or left.
        if (asked !== st.asked || !box.isConnected || document.activeElement !== box) return;
        show(box, data.members || [], typed);
      })
      .catch(function () { close(box); });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-mentions]")) return;
    var st = state(box);
    clearTimeout(st.timer);
    if (!typedAt(box)) {
      st.asked += 1; // an answer still on its way is no longer wanted
      close(box);
      return;
    }
    st.timer = setTimeout(function () { ask(box); }, DELAY);
  });

  // Capture: the list's keys are handled before anything else on the page sees them.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-mentions]") || event.isComposing) return;
    var st = box._mentions;
    if (!st || st.list.hidden) {
      // Ctrl+Enter (Cmd+Enter) sends the comment, as it saves a section.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && box.form) {
        event.preventDefault();
        box.form.requestSubmit();
      }
      return;
    }
    var handled = true;
    if (event.key === "ArrowDown") activate(box, st.active + 1);
    else if (event.key === "ArrowUp") activate(box, st.active - 1);
    else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey &&
             !event.ctrlKey && !event.metaKey && !event.altKey) choose(box, st.active);
    else if (event.key === "Escape") {
      close(box);
      announce("Suggestions closed.");
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-mentions]")) close(event.target);
  });
  // The caret moved away from the "@name" (a click, Home, End): the list no longer applies.
  document.addEventListener("click", function (event) {
    var box = event.target;
    if (box.matches && box.matches("textarea[data-mentions]") && !typedAt(box)) close(box);
  });
})();
