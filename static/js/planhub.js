// PlanHub: in-place section editing on top of htmx. Everything works without this file;
// it adds keyboard shortcuts, focus handling, diagrams and error messages.
(function () {
  "use strict";

  // Does this section editor hold text that is not saved: a heading or text that differs from
  // the server's, or a refused save (conflict, invalid input)? Also drafts.js's test.
  function hasUnsavedText(form) {
    var body = form.querySelector("textarea[name=body]");
    var heading = form.querySelector("input[name=heading]");
    if (form.hasAttribute("data-unsaved")) return true;
    // Co-editing (coedit.js): the text is the shared draft's; unsaved is what the server has
    // not confirmed yet.
    if (form.coediting) return form.coediting.unsaved();
    return (body && body.value !== body.defaultValue) ||
      (heading && heading.value !== heading.defaultValue);
  }

  // Is the user typing in `element` (a field, or editable content)? Letter shortcuts leave
  // it alone then (shortcuts.js, search.js).
  function typingIn(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    return !!(element.closest && element.closest("input, textarea, select, [contenteditable]"));
  }

  // For the other scripts, which run after this one (base.html loads it first).
  window.PlanHub = { hasUnsavedText: hasUnsavedText, typingIn: typingIn };

  // Messages close on a click, and by themselves after a while (errors stay longer).
  function dismissable(message) {
    var close = document.createElement("button");
    close.type = "button";
    close.className = "flash-close";
    close.setAttribute("aria-label", "Close this message");
    close.addEventListener("click", function () { message.remove(); });
    message.appendChild(close);
    var error = message.classList.contains("flash-error");
    setTimeout(function () { message.remove(); }, error ? 15000 : 6000);
  }

  function flash(text, kind) {
    var area = document.getElementById("flash");
    if (!area) return;
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "error");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = text;
    area.appendChild(p);
    dismissable(p);
  }

  function cancelEditor(form) {
    if (hasUnsavedText(form) && !window.confirm("Discard your changes to this section?")) return;
    var cancel = form.querySelector("[data-cancel]");
    form.setAttribute("data-discard-confirmed", "");
    // htmx wires up swapped-in content only when it settles (~20 ms later): an Esc pressed
    // sooner would click a plain link (a jump to the section, the editor left open).
    if (window.htmx) window.htmx.process(form);
    if (cancel) cancel.click();
  }

  // The Cancel button asks too (capture phase: before htmx or the link act on the click).
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("form[data-section-editor] [data-cancel]");
    if (!cancel) return;
    var form = cancel.closest("form[data-section-editor]");
    if (form.hasAttribute("data-discard-confirmed") || !hasUnsavedText(form)) return;
    if (window.confirm("Discard your changes to this section?")) {
      form.setAttribute("data-discard-confirmed", "");
    } else {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // The editor grows with its text, between 6 lines and most of the window.
  function fitTextarea(textarea) {
    textarea.style.height = "auto";
    var max = Math.max(window.innerHeight * 0.7, 200);
    textarea.style.height = Math.min(textarea.scrollHeight + 4, max) + "px";
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("form[data-section-editor] textarea[name=body]")) {
      fitTextarea(event.target);
    }
  });

  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("form[data-section-editor]");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      cancelEditor(form);
    }
  });

  // Menus (<details class="export-menu">) close after a choice, on a click elsewhere, on Esc.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.export-menu[open], details.section-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target) || event.target.closest(".menu a")) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.export-menu[open], details.section-menu[open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  // A click anywhere on a section's text opens its editor (links and selections excepted).
  document.addEventListener("click", function (event) {
    var body = event.target.closest(".plan-section:not(.editing) .section-body");
    if (!body || event.target.closest("a, button, input, summary, details")) return;
    if (window.getSelection && String(window.getSelection())) return;
    var edit = body.closest(".plan-section").querySelector(".edit-button");
    if (edit) edit.click();
  });

  // Links written for GitHub (`[Summary](#summary)`) follow fragments as GitHub does: a
  // fragment that is no element's id but names a heading's anchor (id="user-content-summary")
  // scrolls to that heading and moves focus there. The app's own ids (section-12, outline)
  // always win, so a heading can never take them over.
  function headingAnchor(hash) {
    if (!hash || hash.length < 2) return null;
    var name = hash.slice(1);
    try { name = decodeURIComponent(name); } catch (error) { /* keep it as written */ }
    if (document.getElementById(name)) return null;
    return document.getElementById("user-content-" + name) ||
      document.getElementById("user-content-" + name.toLowerCase());
  }

  function goToAnchor(anchor) {
    anchor.scrollIntoView({ block: "start" });
    anchor.focus({ preventScroll: true });
  }

  function followFragment() {
    var anchor = headingAnchor(window.location.hash);
    if (anchor) goToAnchor(anchor);
  }

  window.addEventListener("hashchange", followFragment);
  if (document.readyState === "complete") followFragment();
  else window.addEventListener("load", followFragment);  // after images and diagrams took space

  // A click on such a link (in a section's text, or a heading's own link) goes there even when
  // the address already ends with that fragment (no hashchange then).
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link || !link.closest(".section-body, .heading-anchor, .section-header")) return;
    var anchor = headingAnchor(link.getAttribute("href"));
    if (!anchor) return;
    event.preventDefault();
    if (window.location.hash !== link.getAttribute("href")) {
      history.pushState(null, "", link.getAttribute("href"));
    }
    goToAnchor(anchor);
  });

  // Mermaid (3.5 MB) is loaded only once a page shows a diagram.
  var mermaidLoading = null;

  function withMermaid(callback) {
    if (window.mermaid) return callback(window.mermaid);
    var source = document.querySelector("meta[name=mermaid-src]");
    if (!source) return;
    if (!mermaidLoading) {
      mermaidLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = source.content;
        script.onload = function () {
          window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
          resolve(window.mermaid);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    mermaidLoading.then(callback, function () {
      flash("Diagrams could not be drawn: their script did not load.", "error");
    });
  }

  // A diagram whose source mermaid cannot parse shows that source, with mermaid's message
  // above it, instead of mermaid's bomb icon (the source would be lost from view).
  function showDiagramError(node, source, error) {
    var message = String((error && (error.message || error.str)) || error || "unknown error");
    var lines = message.split("\n").slice(0, 4).join("\n");
    var note = document.createElement("p");
    note.className = "mermaid-error";
    note.textContent = "This diagram could not be drawn: ";
    var detail = document.createElement("code");
    detail.className = "mermaid-error-message";
    detail.textContent = lines;
    note.appendChild(detail);
    var pre = document.createElement("pre");
    pre.className = "mermaid-source";
    var code = document.createElement("code");
    code.textContent = source;
    pre.appendChild(code);
    node.setAttribute("data-processed", "error");
    node.classList.add("mermaid-failed");
    node.setAttribute("role", "note");
    node.setAttribute("aria-label", "Diagram that could not be drawn");
    node.replaceChildren(note, pre);
  }

  function drawDiagrams(root) {
    var selector = ".mermaid:not([data-processed]):not([data-diagram-checking])";
    var nodes = root.querySelectorAll ? root.querySelectorAll(selector) : [];
    if (!nodes.length) return;
    nodes.forEach(function (node) { node.setAttribute("data-diagram-checking", ""); });
    withMermaid(function (mermaid) {
      var checks = Array.prototype.map.call(nodes, function (node) {
        var source = node.textContent;
        return Promise.resolve()
          .then(function () { return mermaid.parse(source); })
          .then(function () { return node; }, function (error) {
            showDiagramError(node, source, error);
            return null;
          });
      });
      Promise.all(checks).then(function (checked) {
        var good = checked.filter(function (node) { return node && node.isConnected; });
        if (good.length) mermaid.run({ nodes: good, suppressErrors: true });
      });
    });
  }

  // Task list items can be ticked on the rendered section by people who may edit it; every
  // checkbox, ticking or read-only, is named after its item for screen readers.
  function enableTasks(root) {
    var bodies = root.querySelectorAll ? root.querySelectorAll(".section-body") : [];
    bodies.forEach(function (body) {
      var editable = body.hasAttribute("data-task-url");
      body.querySelectorAll(".task-list-item-checkbox").forEach(function (box, index) {
        if (editable) box.disabled = false;
        box.dataset.taskIndex = index;
        box.setAttribute("aria-label", "Done: " + box.parentElement.textContent.trim());
      });
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches(".section-body[data-task-url] .task-list-item-checkbox")) return;
    var body = box.closest(".section-body");
    var section = box.closest(".plan-section");
    box.disabled = true;  // until the section comes back from the server
    htmx.ajax("POST", body.dataset.taskUrl, {
      source: box,
      target: "#" + section.id,
      swap: "outerHTML",
      values: { index: box.dataset.taskIndex, done: box.checked ? "1" : "0",
                version: section.dataset.version },
    });
  });

  // “Copy my text” (a save into a section deleted meanwhile) puts the editor's text on the
  // clipboard. Without this script the button stays hidden: the notice says to select the text.
  function showCopyButtons(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-copy-text]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("htmx:load", function (event) { showCopyButtons(event.target); });

  // A PDF export that the worker has just finished downloads by itself (once per page).
  function startDownloads(root) {
    if (!root.querySelectorAll) return;
    var ready = root.matches && root.matches("[data-autodownload]") ? [root] : [];
    root.querySelectorAll("[data-autodownload]").forEach(function (element) { ready.push(element); });
    ready.forEach(function (element) {
      if (element.dataset.downloadStarted) return;
      element.dataset.downloadStarted = "1";
      window.location.assign(element.dataset.autodownload);
    });
  }

  document.addEventListener("htmx:load", function (event) { startDownloads(event.target); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-text]");
    if (!button) return;
    var form = button.closest("form[data-section-editor]");
    var body = form && form.querySelector("textarea[name=body]");
    var status = form && form.querySelector(".copy-status");
    if (!body) return;
    function copied() { if (status) status.textContent = "Copied: your text is on the clipboard."; }
    function refused() {
      body.focus();
      body.select();
      if (status) status.textContent = "The browser did not allow copying: your text is selected, press Ctrl+C.";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(body.value).then(copied, refused);
    } else {
      refused();
    }
  });

  // The conflict view: each clash stands in the editor's text as a marked block; its buttons
  // put the chosen lines in its place, and choosing again swaps them. The text stays
  // editable: a part edited by hand is left alone, and the status says so. Without this
  // script the buttons stay hidden and the alert explains the markers.
  function showChoices(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-choices]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  }

  document.addEventListener("htmx:load", function (event) { showChoices(event.target); });
  document.addEventListener("DOMContentLoaded", function () { showChoices(document); });

  // Where `needle` (lines) stands in `lines`: at `hint` if it is there, else its first place.
  function findLines(lines, needle, hint) {
    function at(i) {
      if (i < 0 || i + needle.length > lines.length) return false;
      for (var k = 0; k < needle.length; k++) if (lines[i + k] !== needle[k]) return false;
      return true;
    }
    if (hint != null && at(hint)) return hint;
    if (!needle.length) return -1;  // nothing left to look for once the place is lost
    for (var i = 0; i < lines.length; i++) if (at(i)) return i;
    return -1;
  }

  function pressOnly(group, button) {
    group.querySelectorAll("button").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-choices] button");
    if (!button) return;
    var form = button.closest("form[data-section-editor]");
    var group = button.closest("[data-choices]");
    var status = group.querySelector(".hunk-status");
    var field;
    if (button.hasAttribute("data-heading")) {
      field = form.querySelector("input[name=heading]");
      field.value = button.getAttribute("data-heading");
      status.textContent = "Heading: " + button.textContent.toLowerCase() + ".";
    } else {
      var hunk = button.closest("[data-hunk]");
      field = form.querySelector("textarea[name=body]");
      var shown = hunk._planhubShown || { lines: JSON.parse(hunk.getAttribute("data-hunk")), at: null };
      var lines = field.value.replace(/\r\n?/g, "\n").split("\n");
      var at = findLines(lines, shown.lines, shown.at);
      if (at < 0) {
        status.textContent = "This part was edited in the text: change it there.";
        return;
      }
      var chosen = JSON.parse(button.getAttribute("data-choice"));
      lines.splice.apply(lines, [at, shown.lines.length].concat(chosen));
      field.value = lines.join("\n");
      hunk._planhubShown = { lines: chosen, at: at };
      status.textContent = "Kept: " + button.textContent.toLowerCase() + ". You can still edit the text.";
    }
    pressOnly(group, button);
    // As if typed: the draft is kept and the editor resizes.
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.addEventListener("DOMContentLoaded", function () {
    showCopyButtons(document);
    document.querySelectorAll("#flash .flash").forEach(dismissable);
    drawDiagrams(document);
    enableTasks(document);
    // After adding a section, its editor opens by itself.
    var editId = new URLSearchParams(window.location.search).get("edit");
    var edit = editId && document.querySelector("#section-" + editId + " .edit-button");
    if (edit) edit.click();
  });

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  // After a request replaced a section, focus goes back where the person was: the Edit button
  // when the editor closed (Save, Cancel, Esc), the same task box after a tick, else the
  // section itself. Swaps without a request (live updates) move no focus.
  function refocusSection(section, detail) {
    var source = detail.requestConfig && detail.requestConfig.elt;
    var edit = section.querySelector(".edit-button");
    if (source && source.closest && source.closest("form[data-section-editor]") && edit) {
      edit.focus();
    } else if (source && source.matches && source.matches(".task-list-item-checkbox")) {
      var box = section.querySelectorAll(".task-list-item-checkbox")[source.dataset.taskIndex];
      (box || section).focus();
    } else if (focusLost()) {
      if (!section.hasAttribute("tabindex")) section.tabIndex = -1;
      section.focus({ preventScroll: true });
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.elt;
    if (!target || !target.isConnected) target = document.getElementById(event.detail.target.id);
    if (!target) return;
    if (target.matches && target.matches("form[data-section-editor]")) {
      var field = target.querySelector("[data-autofocus]");
      if (field) fitTextarea(field);
    } else if (target.matches && target.matches(".plan-section")) {
      enableTasks(target.parentElement || document);
      drawDiagrams(target);
    }
  });

  // Focus moves, and the swap is announced, once htmx has settled the new content: only then
  // do its links and forms answer to htmx (a key pressed earlier would follow a plain link).
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail;
    if (!detail.requestConfig || !detail.requestConfig.verb) return;  // live updates: no focus
    var target = event.target;
    if (!target || !target.matches || !target.isConnected) return;
    if (target.matches("form[data-section-editor]")) {
      var field = target.querySelector("[data-autofocus]");
      if (field) field.focus();
    } else if (target.matches(".plan-section")) {
      refocusSection(target, detail);
    }
    announceSwap(target, detail);
  });

  // Loading: a thin bar at the top of the window while any htmx request runs (counted, so
  // several at once keep it up until the last ends, whether it succeeds, fails or is aborted),
  // aria-busy on the element being replaced, and the form's buttons disabled meanwhile.
  // The xhr's loadend comes once per request, after its swap, whatever happened to it.
  var running = 0;
  var busyTargets = new Map();

  function setBusy(element, delta) {
    if (!element || !element.setAttribute) return;
    var count = (busyTargets.get(element) || 0) + delta;
    if (count > 0) {
      busyTargets.set(element, count);
      element.setAttribute("aria-busy", "true");
    } else {
      busyTargets.delete(element);
      element.removeAttribute("aria-busy");
    }
  }

  function buttonsToDisable(elt) {
    var form = elt.matches("form") ? elt : elt.closest("form");
    var buttons = form ? Array.prototype.slice.call(
      form.querySelectorAll("button:not([type=button]), input[type=submit], button[hx-post]")) : [];
    if (elt.matches("button, input[type=submit]")) buttons.push(elt);
    return buttons.filter(function (button) { return !button.disabled; });
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    if (!xhr) return;
    var target = detail.target;
    var disabled = detail.elt && detail.elt.matches ? buttonsToDisable(detail.elt) : [];
    running += 1;
    document.body.classList.add("htmx-loading");
    setBusy(target, 1);
    disabled.forEach(function (button) { button.disabled = true; });
    xhr.addEventListener("loadend", function () {
      running = Math.max(0, running - 1);
      if (!running) document.body.classList.remove("htmx-loading");
      setBusy(target, -1);
      disabled.forEach(function (button) { button.disabled = false; });
    });
  });

  // Screen readers hear what a swap did, through the polite #announcer region: a message the
  // new content carries (data-announce), else one made from the request and the section.
  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    // Set after a moment: the same message twice in a row is still read out.
    setTimeout(function () { region.textContent = text; }, 60);
  }

  function sectionName(element) {
    var heading = element.querySelector("input[name=heading]");
    if (heading && heading.value) return "“" + heading.value.trim() + "”";
    var label = element.querySelector(".section-heading");
    return label ? "“" + label.textContent.trim() + "”" : "the section";
  }

  function swapMessage(target, detail) {
    var own = target.matches("[data-announce]") ? target : target.querySelector("[data-announce]");
    if (own) return own.getAttribute("data-announce");
    // Alerts (a conflict, refused input, a refused review) are read out by themselves.
    if (target.querySelector("[role=alert]")) return "";
    var config = detail.requestConfig || {};
    var verb = config.verb;
    var path = (config.path || "").split("?")[0];
    var source = config.elt;
    if (target.matches("form[data-section-editor]")) {
      return verb === "get" ? "Editing " + sectionName(target) + ". Ctrl+Enter saves, Esc cancels." : "";
    }
    if (target.matches(".plan-section")) {
      var name = sectionName(target);
      var notice = target.querySelector(".save-notice");
      if (source && source.closest && source.closest("form[data-section-editor]")) {
        if (verb === "post") return "Saved " + name + "." + (notice ? " " + notice.textContent.trim() : "");
        return "Closed the editor of " + name + ".";
      }
      if (/\/review\/$/.test(path)) {
        var decision = config.triggeringEvent && config.triggeringEvent.submitter &&
          config.triggeringEvent.submitter.value;
        return (decision === "changes_requested" ? "Requested changes on " : "Approved ") + name + ".";
      }
      if (/\/task\/$/.test(path)) return "Task list of " + name + " saved.";
      if (verb === "post") return "Saved " + name + ".";
    }
    if (target.matches(".comments")) return verb === "post" ? "Comments updated." : "Comments shown.";
    return "";
  }

  function announceSwap(target, detail) {
    if (!target.matches) return;
    announce(swapMessage(target, detail));
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var messages = {
      403: "You are not allowed to do that in this project.",
      404: "That is gone, or you are no longer a member of this project.",
    };
    var text = messages[xhr.status] || "The server could not do that (" + xhr.status + ").";
    // A 400 names the parameter it could not take, in plain text: show that.
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status === 400 && type.indexOf("text/plain") === 0 && xhr.responseText) {
      text = xhr.responseText.slice(0, 300);
    }
    flash(text + " Nothing you typed was cleared.", "error");
  });

  document.addEventListener("htmx:sendError", function () {
    flash("The server did not answer. Nothing you typed was cleared: try again.", "error");
  });

  window.addEventListener("beforeunload", function (event) {
    var forms = document.querySelectorAll("form[data-section-editor]");
    for (var i = 0; i < forms.length; i++) {
      if (hasUnsavedText(forms[i])) { event.preventDefault(); event.returnValue = ""; return; }
    }
  });
})();
