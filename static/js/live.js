// Live updates and presence on the plan page (issue 5).
//
// Every few seconds (data-live-interval on article.plan-body, or window.PLANHUB_LIVE_INTERVAL;
// paused while the tab is hidden) the page asks the server what changed since its cursor
// (GET data-live-url?since=<cursor>&editing=<section id>). The answer also counts as a
// heartbeat and lists who else is here. Then:
// - a changed section is fetched again (its HTMX partial) and swapped in, unless its editor is
//   open: the editor keeps the user's text and shows "<name> changed this section while you
//   were editing" instead; a section where the user is typing (a review or comment field)
//   waits until they are done;
// - sections added, removed or moved by others are added, removed or moved here;
// - the outline (reviewChanged) and the sign-off table are refreshed;
// - the toolbar shows who else is here, and a section being edited says who edits it.
// The cursor is the server's time; changes are named by tokens, so a change reported twice
// (the server's window overlaps) is applied once. Without JavaScript nothing of this happens.
(function () {
  "use strict";

  var EDITOR = "form[data-section-editor]";
  var SECTIONS = "[id^='section-']";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  var root = document.querySelector("article.plan-body[data-live-url]");
  if (!root || !window.fetch || !window.htmx || !window.URLSearchParams) return;

  var pollUrl = root.getAttribute("data-live-url");
  var cursor = root.getAttribute("data-live-since") || "";
  var interval = Number(window.PLANHUB_LIVE_INTERVAL) ||
    Number(root.getAttribute("data-live-interval")) || 3000;
  var box = document.getElementById("live-presence");

  var sectionUrl = null;    // ".../sections/{id}/", from the first answer
  var seen = {};            // section id -> {token: true}: changes already applied
  var seenPlan = {};        // plan-level tokens already applied
  var pending = {};         // section id -> change not shown yet (the user was busy there)
  var loading = {};         // section id -> a fetch of it is under way
  var actedOn = {};         // section id -> when this page last sent a change there (ms)
  var inFlight = {};        // section id -> {request number: start (ms)} of the user's own
  var requests = 0;
  var answers = 0;          // answers applied so far
  var signoffsPending = false;
  var presence = [];
  var presenceKey = null;
  var timer = null;
  var running = false;
  var again = false;
  var failures = 0;
  var stopped = false;
  var lastEditing = "";
  var lastOpened = null;    // the editor opened last: the one reported when none has focus
  var statusTimer = null;

  // --- Small DOM helpers ---

  function idOf(element) { return element.id.slice("section-".length); }

  function sectionNodes() {
    var nodes = [];
    for (var i = 0; i < root.children.length; i++) {
      var child = root.children[i];
      if (child.matches(SECTIONS) && /^section-\d+$/.test(child.id)) nodes.push(child);
    }
    return nodes;
  }

  function sectionElement(id) {
    var element = document.getElementById("section-" + id);
    return element && root.contains(element) ? element : null;
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function headingText(id) {
    var heading = document.getElementById("heading-" + id);
    var text = heading ? heading.textContent.trim() : "";
    return text || "the text before the first heading";
  }

  function names(list) {
    if (list.length < 2) return list.join("");
    return list.slice(0, -1).join(", ") + " and " + list[list.length - 1];
  }

  // Has the user started something here that a refresh would throw away? Typed text, a
  // changed choice, a focused field, an open menu, a refused save.
  function busy(element) {
    if (element.hasAttribute("data-unsaved")) return true;
    // The user's own request (approve, comment, tick…) will swap this element: a refresh now
    // would take its target away, and its answer would be lost.
    if (/^section-\d+$/.test(element.id) && requestsUnderWay(idOf(element))) return true;
    var opened = element.querySelectorAll("details[open]");
    for (var d = 0; d < opened.length; d++) {
      // (The review bar's comment toggle holds only a field, checked below like any other.)
      if (opened[d].matches(".review-comment-toggle")) continue;
      if (!opened[d].closest(".rendered")) return true; // a menu the user opened
    }
    var fields = element.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var type = (field.type || "").toLowerCase();
      if (type === "hidden" || type === "submit" || type === "button" || type === "reset") continue;
      if (field === document.activeElement) return true;
      if (field.tagName === "SELECT") {
        var initial = 0;
        for (var j = 0; j < field.options.length; j++) {
          if (field.options[j].defaultSelected) { initial = j; break; }
        }
        if (field.selectedIndex !== initial) return true;
      } else if (type === "checkbox" || type === "radio") {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  // --- Status line: "Updated just now", or why live updates stopped ---

  function statusElement() {
    if (!box) return null;
    var status = box.querySelector(".live-status");
    if (!status) {
      status = make("span", "live-status");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      box.appendChild(status);
    }
    return status;
  }

  function showStatus(text, kind) {
    var status = statusElement();
    if (!status) return;
    clearTimeout(statusTimer);
    status.classList.toggle("live-status-error", kind === "error");
    status.textContent = text;
    if (kind === "fresh") {
      status.classList.add("live-status-fresh");
      statusTimer = setTimeout(function () {
        status.classList.remove("live-status-fresh");
        status.textContent = "";
      }, 8000);
    }
  }

  function markUpdated() { showStatus("Updated just now", "fresh"); }

  // --- Fetching and swapping sections ---

  function fetchSection(id) {
    if (!sectionUrl) return Promise.reject(new Error("no section URL yet"));
    return fetch(sectionUrl.replace("{id}", id), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      if (!response.ok) throw new Error("section " + id + ": HTTP " + response.status);
      return response.text();
    });
  }

  function focusPlace(element) {
    var active = document.activeElement;
    if (!active || active === element || !element.contains(active)) return null;
    var all = element.querySelectorAll(FOCUSABLE);
    return { id: active.id, index: Array.prototype.indexOf.call(all, active) };
  }

  function restoreFocus(element, place) {
    if (!place || !element) return;
    var target = place.id ? document.getElementById(place.id) : null;
    if (!target && place.index >= 0) target = element.querySelectorAll(FOCUSABLE)[place.index];
    if (target && document.activeElement !== target) target.focus({ preventScroll: true });
  }

  // htmx.swap processes the new content (hx-* attributes, htmx:load for drafts.js) and fires
  // htmx:afterSwap without a request, so planhub.js draws diagrams but moves no focus.
  function swapIn(element, html) {
    var id = idOf(element);
    var place = focusPlace(element);
    var commentsOpen = !!element.querySelector("#comments-" + id + ".comments");
    window.htmx.swap(element, html, { swapStyle: "outerHTML" }, { eventInfo: { target: element } });
    var fresh = sectionElement(id);
    restoreFocus(fresh, place);
    if (fresh && commentsOpen) {
      var link = document.getElementById("comments-link-" + id);
      if (link && link.getAttribute("hx-get")) {
        window.htmx.ajax("GET", link.getAttribute("hx-get"), {
          source: link, target: "#comments-" + id, swap: "outerHTML",
        });
      }
    }
    return fresh;
  }

  function refreshSection(id) {
    var element = sectionElement(id);
    if (!element || loading[id]) return;
    loading[id] = true;
    fetchSection(id).then(function (html) {
      // The user may have opened the editor, or started typing, while this was on its way.
      var now = sectionElement(id);
      if (now !== element || element.matches(EDITOR) || busy(element)) return;
      delete pending[id];
      swapIn(element, html);
      renderMarkers();
      markUpdated();
    }).catch(function () { /* stays pending: tried again on the next poll */ })
      .then(function () { delete loading[id]; });
  }

  // --- The open editor of a section someone else changed ---

  function editorNotice(form) {
    var notice = form.querySelector("[data-live-notice]");
    if (!notice) {
      notice = make("div", "alert alert-live");
      notice.setAttribute("role", "status");
      notice.setAttribute("data-live-notice", "");
      // After drafts.js's offer, if any; the text goes in a moment later so it is announced.
      var after = form.querySelector("[data-draft-offer]");
      form.insertBefore(notice, after ? after.nextSibling : form.firstChild);
    }
    return notice;
  }

  function warnEditor(form, change) {
    var input = form.querySelector("input[name=version]");
    var base = input ? parseInt(input.value, 10) : NaN;
    if (isNaN(base) || change.version <= base) return;
    var notice = editorNotice(form);
    if (notice.getAttribute("data-version") === String(change.version)) return;
    notice.setAttribute("data-version", String(change.version));
    var who = change.edited_by_me ? "You" : (change.edited_by || "Someone");
    var where = change.edited_by_me ? " in another window" : "";
    setTimeout(function () {
      notice.textContent = "";
      notice.appendChild(make("strong", "", who + " changed this section" + where +
        " while you were editing"));
      notice.appendChild(document.createTextNode(
        " (now version " + change.version + "). Your text below is kept and not saved yet: " +
        "when you save, it is merged with theirs, or both are shown if you changed the same lines. "));
      if (sectionUrl) {
        var link = make("a", "", "See what they changed");
        link.href = sectionUrl.replace("{id}", idOf(form)) + "changes/?since=" + base;
        link.target = "_blank";
        link.rel = "noopener";
        notice.appendChild(link);
      }
    }, 30);
    markUpdated();
  }

  function warnRemoved(form) {
    if (form.querySelector("[data-live-removed]")) return;
    var notice = editorNotice(form);
    notice.setAttribute("data-live-removed", "");
    setTimeout(function () {
      notice.textContent = "";
      notice.appendChild(make("strong", "", "This section was removed from the plan while you " +
        "were editing."));
      notice.appendChild(document.createTextNode(" Your text below is kept: copy it before you " +
        "close the editor (the section can be restored from the plan's history)."));
    }, 30);
  }

  // Shows a change (or keeps it for later); false when the page shows it already.
  function showChange(change) {
    var id = String(change.id);
    var element = sectionElement(id);
    if (!element) { delete pending[id]; return false; } // not here (yet): the order adds it
    if (element.matches(EDITOR)) {
      // Never replaced: closing the editor (save or cancel) shows the section as it is now.
      delete pending[id];
      warnEditor(element, change);
      return true;
    }
    var shown = parseInt(element.getAttribute("data-version"), 10);
    if (!change.reviewed && shown >= change.version) { delete pending[id]; return false; }
    if (!busy(element)) refreshSection(id); // else it stays pending until the user is done
    return true;
  }

  // --- Sections added, removed or moved by others ---

  function insertSection(id, order) {
    if (loading[id]) return;
    loading[id] = true;
    fetchSection(id).then(function (html) {
      if (sectionElement(id)) return;
      var index = order.indexOf(Number(id));
      var before = null;
      for (var i = index + 1; i < order.length && !before; i++) before = sectionElement(order[i]);
      if (!before) before = root.querySelector(":scope > .signoff-panel");
      var slot = make("div");
      root.insertBefore(slot, before);
      var empty = root.querySelector(":scope > .empty-state");
      if (empty) empty.remove();
      window.htmx.swap(slot, html, { swapStyle: "outerHTML" }, { eventInfo: { target: slot } });
      renderMarkers();
      markUpdated();
    }).catch(function () { /* gone again, or offline: the next poll tries again */ })
      .then(function () { delete loading[id]; });
  }

  function moveSections(order) {
    var present = order.filter(function (id) { return !!sectionElement(id); });
    var current = sectionNodes().map(idOf).filter(function (id) {
      return order.indexOf(Number(id)) >= 0;
    });
    if (present.join() === current.join()) return false;
    var active = document.activeElement;
    var selection = active && "selectionStart" in active ?
      [active.selectionStart, active.selectionEnd] : null;
    var previous = null;
    present.forEach(function (id) {
      var element = sectionElement(id);
      var wanted = previous ? previous.nextElementSibling : sectionNodes()[0];
      if (wanted !== element) root.insertBefore(element, wanted);
      previous = element;
    });
    if (active && active !== document.activeElement && active.isConnected) {
      active.focus({ preventScroll: true });
      if (selection) { try { active.setSelectionRange(selection[0], selection[1]); } catch (e) { /* */ } }
    }
    return true;
  }

  function syncStructure(order) {
    if (!order) return false;
    var changed = false;
    sectionNodes().forEach(function (element) {
      if (order.indexOf(Number(idOf(element))) >= 0) return;
      if (element.matches(EDITOR)) {
        warnRemoved(element);
      } else {
        element.remove();
        changed = true;
      }
    });
    order.forEach(function (id) { if (!sectionElement(id)) insertSection(String(id), order); });
    if (moveSections(order)) changed = true;
    return changed;
  }

  // --- The sign-off table ---

  function refreshSignoffs() {
    var table = document.getElementById("signoffs");
    if (!table || !table.getAttribute("hx-get")) { signoffsPending = false; return; }
    if (busy(table) || loading.signoffs) return; // someone is deciding: later
    loading.signoffs = true;
    fetch(table.getAttribute("hx-get"), {
      credentials: "same-origin", cache: "no-store", headers: { "HX-Request": "true" },
    }).then(function (response) {
      if (!response.ok) throw new Error("sign-offs: HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      var now = document.getElementById("signoffs");
      if (!now || busy(now)) return;
      signoffsPending = false;
      window.htmx.swap(now, html, { swapStyle: "innerHTML" }, { eventInfo: { target: now } });
    }).catch(function () { /* next poll */ })
      .then(function () { delete loading.signoffs; });
  }

  // --- Presence: chips in the toolbar, "… is editing" in sections and the outline ---

  function hue(text) {
    var hash = 0;
    for (var i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) % 360;
    return hash;
  }

  function renderChips() {
    if (!box) return;
    var key = JSON.stringify(presence.map(function (p) { return [p.user, p.name, p.editing]; }));
    if (key === presenceKey) return;
    presenceKey = key;
    var list = box.querySelector(".presence-list");
    var label = box.querySelector(".presence-label");
    if (!list) {
      label = make("span", "presence-label", "Also here:");
      label.id = "presence-label";
      list = make("ul", "presence-list");
      list.setAttribute("aria-labelledby", "presence-label");
      box.insertBefore(list, box.firstChild);
      box.insertBefore(label, list);
    }
    list.textContent = "";
    label.hidden = list.hidden = presence.length === 0;
    presence.forEach(function (p) {
      var editing = p.editing ? headingText(p.editing) : "";
      var chip = make("li", "presence-chip" + (p.editing ? " is-editing" : ""));
      chip.setAttribute("data-user", p.user);
      chip.title = p.name + (p.editing ? " is editing “" + editing + "”" : " is reading this plan");
      var avatar = make("span", "presence-avatar", p.initials);
      avatar.setAttribute("aria-hidden", "true");
      avatar.style.backgroundColor = "hsl(" + hue(p.user) + ", 45%, 40%)";
      chip.appendChild(avatar);
      chip.appendChild(make("span", "presence-name", p.name));
      if (p.editing) {
        var doing = make("span", "presence-doing", "✎");
        doing.setAttribute("aria-hidden", "true");
        chip.appendChild(doing);
        chip.appendChild(make("span", "visually-hidden", " (editing “" + editing + "”)"));
      }
      list.appendChild(chip);
    });
  }

  function renderMarkers() {
    var old = document.querySelectorAll("[data-live-editing]");
    for (var i = 0; i < old.length; i++) old[i].remove();
    var bySection = {};
    presence.forEach(function (p) {
      if (p.editing) (bySection[p.editing] = bySection[p.editing] || []).push(p.name);
    });
    Object.keys(bySection).forEach(function (id) {
      var who = names(bySection[id]);
      var element = sectionElement(id);
      if (element) {
        var mine = element.matches(EDITOR);
        var verb = bySection[id].length > 1 ? " are " : " is ";
        var line = make("p", "live-editing", who + verb + (mine ? "also editing this section…" : "editing…"));
        line.setAttribute("data-live-editing", "");
        if (mine) {
          var notice = element.querySelector("[data-live-notice]");
          element.insertBefore(line, notice ? notice.nextSibling : element.firstChild);
        } else {
          var header = element.querySelector(".section-header");
          element.insertBefore(line, header ? header.nextSibling : element.firstChild);
        }
      }
      var link = document.querySelector("#outline a[href='#section-" + id + "']");
      if (link) {
        var mark = make("span", "toc-editing", "✎");
        mark.setAttribute("data-live-editing", "");
        mark.title = who + " editing";
        mark.appendChild(make("span", "visually-hidden", " " + who + " editing"));
        link.parentNode.insertBefore(mark, link.nextSibling);
      }
    });
  }

  // --- The poll ---

  function editingId() {
    var active = document.activeElement;
    var form = active && active.closest ? active.closest(EDITOR) : null;
    if (!form && lastOpened && lastOpened.isConnected && lastOpened.matches(EDITOR)) form = lastOpened;
    if (!form) form = root.querySelector(EDITOR);
    return form && root.contains(form) ? idOf(form) : "";
  }

  function freshTokens(tokens, known) {
    return (tokens || []).filter(function (token) { return !known[token]; });
  }

  function tokenSet(tokens) {
    var set = {};
    (tokens || []).forEach(function (token) { set[token] = true; });
    return set;
  }

  function apply(data) {
    cursor = data.cursor || cursor;
    sectionUrl = data.section_url || sectionUrl;
    var news = syncStructure(data.order);
    // Tokens outside the answer's window never come back: only the answer's are remembered.
    var nextSeen = {};
    var arrived = {};
    (data.sections || []).forEach(function (change) {
      var id = String(change.id);
      var mine = tokenSet(change.mine);
      // My own changes are on this page: I made them here, or before this page was loaded.
      var ownRecently = !answers || Date.now() - (actedOn[id] || 0) < 60000;
      var fresh = freshTokens(change.changes, seen[id] || {}).filter(function (token) {
        return !(mine[token] && ownRecently); // this page made it, and shows it already
      });
      nextSeen[id] = tokenSet(change.changes);
      if (!fresh.length) return;
      arrived[id] = true;
      var reviewed = fresh.some(function (token) { return token.charAt(0) !== "v"; });
      var before = pending[id];
      change.reviewed = reviewed || !!(before && before.reviewed);
      pending[id] = change;
    });
    seen = nextSeen;
    Object.keys(pending).forEach(function (id) {
      if (showChange(pending[id]) && arrived[id]) news = true;
    });

    // "p…": the plan was touched (by any edit or structure change): news only along with a
    // change shown here, as a sign-off may have gone stale. Others: sign-offs, assignments.
    var planFresh = freshTokens(data.plan_changes, seenPlan);
    seenPlan = tokenSet(data.plan_changes);
    var signoffNews = planFresh.some(function (token) { return token.charAt(0) !== "p"; });
    if (signoffNews || (news && planFresh.length)) signoffsPending = true;
    if (signoffNews) { news = true; markUpdated(); }
    if (signoffsPending) refreshSignoffs();
    if (news) window.htmx.trigger(document.body, "reviewChanged", { live: true });

    presence = data.presence || [];
    renderChips();
    renderMarkers();
    answers += 1;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = null;
    if (stopped || document.hidden) return;
    if (delay === undefined) {
      var every = push.open ? PUSHED_INTERVAL : interval;
      delay = failures ? Math.min(every * Math.pow(2, failures), 60000) : every;
    }
    timer = setTimeout(poll, delay);
  }

  function stop(text) {
    stopped = true;
    clearTimeout(timer);
    showStatus(text, "error");
  }

  function poll() {
    clearTimeout(timer);
    timer = null;
    if (stopped || document.hidden) return;
    if (running) { again = true; return; }
    running = true;
    lastEditing = editingId();
    var params = new URLSearchParams();
    params.set("since", cursor);
    params.set("editing", lastEditing);
    if (push.open) params.set("pushed", "1"); // the server keeps this page "here" longer
    var failed = false;
    fetch(pollUrl + "?" + params.toString(), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (response.status === 401) return stop("Live updates stopped: your session ended. Reload the page to log in again.");
      if (response.status === 403 || response.status === 404) {
        return stop("Live updates stopped: this plan is no longer open to you.");
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).catch(function () {
      failed = true;
      failures += 1;
      showStatus("Live updates paused: the server did not answer. Trying again…", "error");
    }).then(function (data) {
      if (!data || failed) return;
      if (failures) showStatus("", "");
      failures = 0;
      apply(data); // a mistake here is a bug: it surfaces as an error, it is not retried
    }).then(function () {
      running = false;
      if (again) { again = false; schedule(0); } else { schedule(); }
    }, function (error) {
      running = false;
      schedule();
      throw error;
    });
  }

  // --- Events ---

  // Editors open and close, sections and the outline are swapped: markers go back in, and a
  // new "editing" state is told to the others at once rather than with the next tick.
  document.addEventListener("htmx:afterSettle", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element.matches && element.matches(EDITOR)) lastOpened = element;
    renderMarkers();
    if (!stopped && editingId() !== lastEditing) schedule(150);
  });

  // The user's own requests from inside a section (a review, comment, resolve, save, tick):
  // their answers show the result here, so a refresh neither repeats nor overtakes them.
  function sectionOfRequest(event) {
    var elt = event.detail && event.detail.elt;
    var element = elt && elt.closest ? elt.closest(SECTIONS) : null;
    return element && root.contains(element) && /^section-\d+$/.test(element.id) ?
      idOf(element) : null;
  }

  function requestsUnderWay(id) {
    var started = inFlight[id] || {};
    for (var key in started) {
      if (Date.now() - started[key] < 60000) return true; // one never ended is not kept forever
    }
    return false;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var id = sectionOfRequest(event);
    var xhr = event.detail && event.detail.xhr;
    if (!id || !xhr) return;
    var config = event.detail.requestConfig;
    if (config && config.verb && config.verb !== "get") actedOn[id] = Date.now();
    var number = ++requests;
    (inFlight[id] = inFlight[id] || {})[number] = Date.now();
    // "loadend" comes once, after htmx has swapped the answer in (or on error, abort, timeout).
    xhr.addEventListener("loadend", function () { delete inFlight[id][number]; });
  });

  document.addEventListener("focusin", function (event) {
    var form = event.target.closest && event.target.closest(EDITOR);
    if (form) lastOpened = form;
    if (!stopped && form && idOf(form) !== lastEditing) schedule(150);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { clearTimeout(timer); timer = null; } else { schedule(0); }
  });

  window.addEventListener("pageshow", function (event) { if (event.persisted) schedule(0); });

  // --- The push channel (issue 18): ws(s)://<host>/ws/plans/<plan id>/live/ ---
  // Each message ({"type": "changed", ...}) makes the page poll at once; while the socket is
  // open the poll slows to PUSHED_INTERVAL (it stays, for anything a message could miss, and as
  // the heartbeat of a `pushed` presence: others arriving or leaving are announced as
  // messages), and a closed socket brings the normal interval back while it reconnects (1 s,
  // doubling, 30 s). 500 open pages polling every 30 s cost a quarter of a core (issue 19).
  var PUSHED_INTERVAL = 300000;
  var push = { open: false, socket: null, retries: 0, timer: null };

  function connectPush() {
    var planId = /\/plans\/(\d+)\//.exec(pollUrl);
    if (!planId || !window.WebSocket || stopped || !document.querySelector('meta[name="planhub-websockets"]')) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try { socket = new WebSocket(scheme + location.host + "/ws/plans/" + planId[1] + "/live/"); } catch (e) { return; }
    push.socket = socket;
    socket.onopen = function () { push.open = true; push.retries = 0; };
    socket.onmessage = function (event) {
      var message = null;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message && message.type === "changed") schedule(0);
    };
    socket.onclose = function (event) {
      var wasOpen = push.open;
      push.open = false;
      push.socket = null;
      if (wasOpen) schedule(0); // something may have happened while it closed
      // Not logged in, no access, no such plan: trying again cannot help; the poll says why.
      if (stopped || event.code === 4401 || event.code === 4403 || event.code === 4404) return;
      push.retries += 1;
      push.timer = setTimeout(connectPush, Math.min(1000 * Math.pow(2, push.retries - 1), 30000));
    };
  }

  window.addEventListener("pagehide", function () {
    clearTimeout(push.timer);
    if (push.socket) { push.socket.onclose = null; push.socket.close(); }
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted && !push.socket) connectPush(); // back from the back/forward cache
  });

  connectPush();
  statusElement(); // a live region is announced only if it is there before its text changes
  // The page was just rendered with everything up to its cursor: the first look is due after
  // one interval, like every other.
  schedule();
})();
