// Autosaved drafts of open section editors (see issue #5).
//
// While a section editor is open, its heading and text are kept in localStorage under
// "planhub:draft:<user id>:<section id>" as {planId, heading, body, version, savedAt} (per user:
// on a shared browser nobody is offered someone else's unsaved text): `version` is the
// version the text was started from, `savedAt` when it was last typed. A reload or a browser
// crash loses nothing: the section shows "Unsaved draft" next to its Edit button, and its
// editor offers the text back. The draft goes once the section is saved (a 2xx answer), once
// the editor is cancelled, or on Discard; a refused save (409, 422) keeps it.
// Without localStorage (private mode, storage full) the editor works as before.
(function () {
  "use strict";

  var USER = document.querySelector('meta[name="planhub-user"]');
  var PREFIX = "planhub:draft:" + (USER ? USER.content : "anonymous") + ":";
  var DELAY = 500; // ms of quiet typing before the draft is written
  var EDITOR = "form[data-section-editor]";

  // --- Storage: every access may throw (private mode, disabled storage, quota). ---

  function storage() {
    try { return window.localStorage || null; } catch (e) { return null; }
  }

  function readDraft(sectionId, planId) {
    var store = storage();
    var raw = null;
    if (!store || !sectionId) return null;
    try { raw = store.getItem(PREFIX + sectionId); } catch (e) { return null; }
    if (!raw) return null;
    var draft = null;
    try { draft = JSON.parse(raw); } catch (e) { draft = null; }
    if (!draft || typeof draft.body !== "string" ||
        (planId && draft.planId && String(draft.planId) !== String(planId))) {
      removeDraft(sectionId); // unreadable, or left by another database's plan
      return null;
    }
    return draft;
  }

  function writeDraft(sectionId, draft) {
    var store = storage();
    if (!store || !sectionId) return;
    try { store.setItem(PREFIX + sectionId, JSON.stringify(draft)); } catch (e) { /* full or refused */ }
  }

  function removeDraft(sectionId) {
    var store = storage();
    if (!store || !sectionId) return;
    try { store.removeItem(PREFIX + sectionId); } catch (e) { /* nothing to remove then */ }
  }

  // --- The editor form ---

  // The form's action is .../plans/<plan id>/sections/<section id>/; its id is section-<id>.
  function idsOf(element) {
    var url = element.getAttribute("action") || element.getAttribute("data-edit-url") || "";
    var match = /\/plans\/(\d+)\/sections\/(\d+)\//.exec(url);
    if (match) return { plan: match[1], section: match[2] };
    match = /^section-(\d+)$/.exec(element.id || "");
    return { plan: null, section: match ? match[1] : null };
  }

  function fields(form) {
    return {
      heading: form.querySelector("input[name=heading]"),
      body: form.querySelector("textarea[name=body]"),
      version: form.querySelector("input[name=version]"),
    };
  }

  function formVersion(form) {
    var input = fields(form).version;
    var version = input ? parseInt(input.value, 10) : NaN;
    return isNaN(version) ? null : version;
  }

  function state(form) {
    if (!form._planhubDraft) {
      form._planhubDraft = { base: formVersion(form), changedAt: 0, touched: false, offer: null, timer: null };
    }
    return form._planhubDraft;
  }

  // Text that differs from the server's, or a refused save (planhub.js).
  var hasUnsavedText = window.PlanHub.hasUnsavedText;

  // The server strips the heading and the newlines around the text: so does the comparison.
  function normal(text) {
    return String(text == null ? "" : text).replace(/\r\n?/g, "\n").replace(/^\n+|\n+$/g, "");
  }

  function sameText(draft, form) {
    var f = fields(form);
    if (f.heading && String(draft.heading || "").trim() !== f.heading.value.trim()) return false;
    return normal(draft.body) === normal(f.body ? f.body.value : "");
  }

  // A form in co-editing mode (coedit.js) keeps its text in IndexedDB instead; the textarea
  // fallback (no WebSocket, or it never connected) is kept here as before.
  function coediting(form) {
    return !!form.coediting || (form.hasAttribute("data-draft-id") && !!window.PlanHubCoedit &&
      !form.hasAttribute("data-coedit-fallback"));
  }

  function save(form) {
    if (coediting(form)) return;
    var st = state(form);
    if (st.timer) { clearTimeout(st.timer); st.timer = null; }
    if (!form.isConnected) return; // saved or cancelled meanwhile
    var ids = idsOf(form);
    var f = fields(form);
    if (!f.body) return;
    if (hasUnsavedText(form)) {
      writeDraft(ids.section, {
        planId: ids.plan,
        heading: f.heading ? f.heading.value : "",
        body: f.body.value,
        version: st.base,
        savedAt: st.changedAt || Date.now(),
      });
    } else if (st.touched && !st.offer) {
      removeDraft(ids.section); // typed, then put back as it was: nothing unsaved
    }
  }

  function flushAll() {
    var forms = document.querySelectorAll(EDITOR);
    for (var i = 0; i < forms.length; i++) {
      if (state(forms[i]).timer) save(forms[i]);
    }
  }

  // --- The offer inside an editor ---

  function plural(n, unit) { return n + " " + unit + (n === 1 ? "" : "s"); }

  function ago(time) {
    var seconds = Math.max(0, Math.floor((Date.now() - time) / 1000));
    if (seconds < 60) return "less than a minute ago";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return plural(minutes, "minute") + " ago";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return plural(hours, "hour") + " ago";
    return plural(Math.floor(hours / 24), "day") + " ago";
  }

  function timeElement(savedAt) {
    var time = document.createElement("time");
    var date = new Date(savedAt);
    time.setAttribute("datetime", date.toISOString());
    time.title = date.toLocaleString();
    time.textContent = ago(savedAt);
    return time;
  }

  function versionNote(draft, form) {
    var now = formVersion(form);
    var then = parseInt(draft.version, 10);
    if (isNaN(then) || now === null || then >= now) return null;
    var p = document.createElement("p");
    p.className = "draft-version";
    p.textContent = "It was written on version " + then + "; the section is now at version " + now +
      " — saving will be checked against the newer version, so your text replaces the changes made " +
      "since version " + then + ". Compare before you save.";
    return p;
  }

  function button(label, attribute, primary) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small" + (primary ? " primary" : "");
    b.setAttribute(attribute, "");
    b.textContent = label;
    return b;
  }

  function focusBody(form) {
    var body = fields(form).body;
    if (body) body.focus();
  }

  function offer(form, draft) {
    var st = state(form);
    var note = versionNote(draft, form);
    var box = document.createElement("div");
    box.className = "alert alert-draft" + (note ? " alert-draft-older" : "");
    box.setAttribute("role", "status");
    box.setAttribute("data-draft-offer", "");
    st.offer = draft;
    // The live region goes in empty and is filled a moment later, so screen readers announce it.
    form.insertBefore(box, form.firstChild);
    setTimeout(function () {
      if (st.offer !== draft) return;
      var message = document.createElement("p");
      message.className = "draft-message";
      var savedAt = Number(draft.savedAt);
      if (isFinite(savedAt) && savedAt > 0) {
        message.appendChild(document.createTextNode("You have unsaved text for this section from "));
        message.appendChild(timeElement(savedAt));
        message.appendChild(document.createTextNode("."));
      } else {
        message.textContent = "You have unsaved text for this section from an earlier visit.";
      }
      box.appendChild(message);
      if (note) box.appendChild(note);
      var actions = document.createElement("p");
      actions.className = "draft-actions";
      var restoreButton = button("Restore it", "data-draft-restore", true);
      var discardButton = button("Discard", "data-draft-discard", false);
      restoreButton.addEventListener("click", function () { restore(form, draft, box); });
      discardButton.addEventListener("click", function () { discard(form, box); });
      actions.appendChild(restoreButton);
      actions.appendChild(discardButton);
      box.appendChild(actions);
    }, 50);
  }

  function setValue(field, value) {
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true })); // planhub.js resizes the textarea
  }

  function restore(form, draft, box) {
    var st = state(form);
    var f = fields(form);
    if (f.heading && typeof draft.heading === "string") setValue(f.heading, draft.heading);
    if (f.body) setValue(f.body, draft.body);
    // The text is as old as the draft, and still based on the draft's version.
    var version = parseInt(draft.version, 10);
    st.base = isNaN(version) ? st.base : version;
    st.changedAt = Number(draft.savedAt) || Date.now();
    st.offer = null;
    st.touched = true;
    save(form);
    var note = versionNote(draft, form);
    while (box.firstChild) box.removeChild(box.firstChild);
    var message = document.createElement("p");
    message.className = "draft-message";
    message.textContent = "Your unsaved text is back in the editor. It is not saved yet.";
    box.appendChild(message);
    if (note) box.appendChild(note);
    box.setAttribute("data-draft-restored", "");
    focusBody(form);
  }

  function discard(form, box) {
    var st = state(form);
    st.offer = null;
    removeDraft(idsOf(form).section);
    box.parentNode.removeChild(box);
    if (hasUnsavedText(form)) save(form); // typed while the offer was showing: keep that
    focusBody(form);
  }

  function editorOpened(form) {
    var st = state(form);
    var ids = idsOf(form);
    if (!fields(form).body || st.checked || coediting(form)) return;
    st.checked = true;
    var draft = readDraft(ids.section, ids.plan);
    if (form.hasAttribute("data-unsaved")) {
      // A refused save: the form holds the user's own text again. It stays the draft, still
      // based on the version it was started from.
      if (draft) {
        var version = parseInt(draft.version, 10);
        if (!isNaN(version)) st.base = version;
        st.changedAt = Number(draft.savedAt) || 0;
      }
      // A conflict's editor holds the merge proposal, not what was typed: the draft stays
      // the typed text (merged again if restored) until the proposal is edited.
      if (!draft || !form.querySelector("[data-hunk], [data-heading-clash]")) save(form);
      return;
    }
    if (!draft) return;
    if (sameText(draft, form)) { removeDraft(ids.section); return; } // the server has it already
    offer(form, draft);
  }

  // --- The hint next to a shown section's Edit button ---

  function refreshHint(section) {
    var edit = section.querySelector(".edit-button");
    if (!edit) return;
    var ids = idsOf(section);
    var hint = section.querySelector(".draft-hint");
    var hasDraft = !!readDraft(ids.section, ids.plan);
    if (hasDraft && !hint) {
      hint = document.createElement("span");
      hint.className = "draft-hint";
      hint.id = "draft-hint-" + ids.section;
      hint.textContent = "Unsaved draft";
      hint.title = "Text typed here was not saved: Edit offers it back.";
      edit.parentNode.insertBefore(hint, edit);
      edit.setAttribute("aria-describedby", hint.id);
    } else if (!hasDraft && hint) {
      hint.parentNode.removeChild(hint);
      if (edit.getAttribute("aria-describedby") === hint.id) edit.removeAttribute("aria-describedby");
    }
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches(EDITOR)) { editorOpened(root); return; }
    if (root.matches("section.plan-section")) { refreshHint(root); return; }
    var sections = root.querySelectorAll("section.plan-section");
    for (var i = 0; i < sections.length; i++) refreshHint(sections[i]);
    var forms = root.querySelectorAll(EDITOR);
    for (var j = 0; j < forms.length; j++) editorOpened(forms[j]);
  }

  // --- Events ---

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("input[name=heading], textarea[name=body]")) return;
    var form = target.closest(EDITOR);
    if (!form) return;
    var st = state(form);
    st.touched = true;
    st.changedAt = Date.now();
    if (st.timer) clearTimeout(st.timer);
    st.timer = setTimeout(function () { save(form); }, DELAY);
  });

  // New content: an editor opened (or came back refused), or a section shown again.
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
  document.addEventListener("DOMContentLoaded", function () { scan(document.body); });

  // A save is on its way: whatever was typed in the last half second is written first.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.matches && elt.matches(EDITOR)) save(elt);
  });

  // Saved (the editor's own POST) or cancelled (its Cancel link), with a 2xx answer: the text
  // is either on the server or knowingly thrown away. 409 and 422 answers keep the draft.
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    // When the element is gone (swapped out), htmx fires this on an ancestor and sets
    // detail.elt to it: the element that made the request is requestConfig.elt.
    var elt = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    var status = detail.xhr ? detail.xhr.status : 0;
    if (!elt || !elt.matches || status < 200 || status >= 300) return;
    var form = null;
    if (elt.matches(EDITOR) && detail.requestConfig && detail.requestConfig.verb === "post") {
      form = elt;
    } else if (elt.matches("[data-cancel], [data-restore-with-text]")) {
      form = elt.closest(EDITOR);
    }
    if (!form) return;
    var st = state(form);
    if (st.timer) { clearTimeout(st.timer); st.timer = null; }
    removeDraft(idsOf(form).section);
    var shown = document.getElementById(form.id);
    if (shown && shown !== form && !shown.matches(EDITOR)) refreshHint(shown);
  });

  window.addEventListener("beforeunload", flushAll);
  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll();
  });

  // A draft written or cleared in another tab shows or hides the hint here.
  window.addEventListener("storage", function (event) {
    if (!event.key || event.key.indexOf(PREFIX) !== 0) return;
    var section = document.getElementById("section-" + event.key.slice(PREFIX.length));
    if (section && section.matches("section.plan-section")) refreshHint(section);
  });
})();
