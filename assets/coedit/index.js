// The co-editing editor: progressive enhancement of the section form (docs/coediting-editor.md).
// A form with data-draft-id, in a browser with WebSocket, edits the shared draft: CodeMirror
// replaces the textarea once the server's text arrived; y-indexeddb keeps every change in this
// browser until the server confirmed it. Without WebSocket, or when it never connects, the
// form stays (or becomes again) the plain textarea that drafts.js protects.
import * as Y from "yjs";
import { Awareness } from "y-protocols/awareness";
import { IndexeddbPersistence } from "y-indexeddb";
import { DraftProvider } from "./provider.js";
import { mountEditor, bindHeading } from "./editor.js";
import { PresenceLine } from "./presence.js";
import { StatusLine } from "./status.js";
import { writePending } from "./pending.js";

const FORMS = "form[data-section-editor][data-draft-id][data-draft-url]";
const IDB_WAIT = 1500;     // ms: a browser whose IndexedDB never answers still gets an editor
const SAVE_WAIT = 20000;   // ms a save waits for the server to confirm everything

function wsUrl(path) {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
}

function validDraftId(value) { return /^\d{1,18}$/.test(String(value)); }

function labelOf(form, textarea) {
  const label = textarea.id ? form.querySelector("label[for='" + textarea.id + "']") : null;
  return label ? label.textContent.trim() : "Text (Markdown)";
}

function changes(n) { return n + (n === 1 ? " change" : " changes"); }

class CoeditSession {
  constructor(form) {
    this.form = form;
    this.textarea = form.querySelector("textarea[name=body]");
    this.heading = form.querySelector("input[name=heading]");
    this.version = form.querySelector("input[name=version]");
    this.saveButton = form.querySelector("[data-save]");
    const anchor = form.querySelector(".editor-actions") || this.textarea.parentNode.nextSibling;
    this.status = new StatusLine(form, anchor);
    this.anchor = anchor;
    this.user = null;
    this.saving = null;
    this.allowSubmit = false;
    form.coediting = this;
    form.setAttribute("data-coediting", "");
    this.start(form.getAttribute("data-draft-id"));
  }

  // --- One draft's connection (again after a discard or a replacement) ---

  start(draftId) {
    this.draftId = draftId;
    this.form.setAttribute("data-draft-id", draftId);
    this.draftInput().value = draftId;
    this.doc = new Y.Doc();
    this.body = this.doc.getText("body");
    this.headingText = this.doc.getText("heading");
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState(this.user ? { user: this.user } : {});
    this.presence = new PresenceLine(this.anchor, this.awareness);
    this.textarea.readOnly = true; // until the server's text is here
    if (this.heading) this.heading.readOnly = true;
    let idb = null;
    try { idb = window.indexedDB ? new IndexeddbPersistence("planhub-draft-" + draftId, this.doc) : null; } catch (e) { idb = null; }
    this.idb = idb;
    const session = this;
    this.provider = new DraftProvider({
      url: wsUrl(this.form.getAttribute("data-draft-url")),
      draftId,
      doc: this.doc,
      awareness: this.awareness,
      idb,
      on: {
        status: (p) => { if (!session.saving) session.status.show(p); },
        synced: () => session.synced(),
        hello: (message) => session.hello(message),
        event: (message) => session.event(message),
        replaced: (newDraft) => session.replaced(newDraft),
        refused: (code) => session.refused(code),
        unavailable: () => session.unavailable(),
        tooLarge: () => session.status.notice("The server refused a change as too large; it stays in this browser and is sent again.", "error"),
      },
    });
    const connect = () => { if (this.provider && this.doc === this.provider.doc) this.provider.connect(); };
    if (idb) {
      Promise.race([idb.whenSynced, new Promise((resolve) => setTimeout(resolve, IDB_WAIT))]).then(connect, connect);
    } else {
      connect();
    }
  }

  stop({ clearLocal }) {
    if (this.editor) { this.editor.destroy(); this.editor = null; }
    if (this.headingBinding) { this.headingBinding.destroy(); this.headingBinding = null; }
    if (this.provider) { this.provider.destroy(); }
    if (this.presence) { this.presence.destroy(); this.presence = null; }
    if (this.idb) {
      const idb = this.idb;
      if (clearLocal) idb.clearData().catch(() => {}); else idb.destroy();
    }
    if (clearLocal) writePending(this.draftId, 0);
    this.awareness.destroy();
    this.idb = null;
  }

  draftInput() {
    let input = this.form.querySelector("input[name=draft]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "draft";
      this.form.appendChild(input);
    }
    return input;
  }

  // --- Provider callbacks ---

  synced() {
    if (this.editor) return;
    this.editor = mountEditor({
      textarea: this.textarea,
      ytext: this.body,
      awareness: this.awareness,
      label: labelOf(this.form, this.textarea),
    });
    if (this.heading) {
      this.headingBinding = bindHeading(this.heading, this.headingText);
      this.heading.readOnly = !!this.provider.readOnly;
    }
    this.editor.setReadOnly(!!this.provider.readOnly);
    const active = document.activeElement;
    if (!active || active === document.body || active === this.textarea) this.editor.focus();
  }

  hello(message) {
    const user = message.user || {};
    this.user = {
      id: user.id, name: String(user.name || ""), color: String(user.color || "#30bced"),
      colorLight: String(user.colorLight || "#30bced33"),
    };
    this.awareness.setLocalStateField("user", this.user);
    if (this.version && Number.isInteger(message.base_version)) this.version.value = String(message.base_version);
    const readOnly = !!message.read_only;
    if (this.editor) this.editor.setReadOnly(readOnly);
    if (this.heading) this.heading.readOnly = readOnly || !this.editor;
    if (this.saveButton) this.saveButton.disabled = readOnly;
    this.form.toggleAttribute("data-coedit-readonly", readOnly);
    if (readOnly && this.provider.pending) this.keepUnsent();
  }

  event(message) {
    const by = typeof message.by === "string" && message.by ? message.by : "Someone";
    if (message.type === "published") {
      if (this.version && Number.isInteger(message.version)) this.version.value = String(message.version);
      this.status.notice(by + " published version " + message.version + ".", "info");
    } else if (message.type === "merged") {
      const n = Number(message.conflicts) || 0;
      let text = by + "'s save was merged into the draft.";
      if (n > 0) text += " " + n + (n === 1 ? " conflict" : " conflicts") + " to resolve: look for the <<<<<<< markers.";
      if (this.version && Number.isInteger(message.version)) this.version.value = String(message.version);
      this.status.notice(text, n > 0 ? "warning" : "info");
    } else if (message.type === "discarded") {
      this.status.notice(by + " discarded this draft; a new one starts from the section's text.", "info");
      this.restart(this.draftId);
    }
  }

  replaced(newDraft) {
    if (!validDraftId(newDraft)) { this.unavailable(); return; }
    this.restart(String(newDraft));
  }

  // The draft is gone: what this browser typed and the server never confirmed stays visible.
  restart(draftId) {
    if (this.provider.pending) this.keepUnsent();
    this.stop({ clearLocal: true });
    this.start(draftId);
  }

  keepUnsent() {
    if (this.unsentShown === this.draftId) return;
    this.unsentShown = this.draftId;
    this.status.unsent(this.headingText.toString(), this.body.toString());
  }

  refused(code) {
    const messages = {
      4401: "Your session has ended: log in again in another tab, then reload. Your text is kept in this browser.",
      4403: "You can no longer edit this section.",
      4404: "This section is gone.",
    };
    this.status.text(messages[code] || "The server closed the draft.", "error");
    if (this.editor) this.editor.setReadOnly(true);
    if (this.saveButton) this.saveButton.disabled = true;
    if (this.provider.pending) this.keepUnsent();
  }

  // WebSocket never worked: back to the plain textarea with the text typed so far.
  unavailable() {
    const heading = this.headingText.toString();
    const body = this.body.toString();
    const hasText = this.provider.synced || this.provider.pending || body || heading;
    this.stop({ clearLocal: true });
    this.status.destroy();
    this.draftInput().remove();
    if (hasText) {
      this.textarea.value = body;
      if (this.heading && heading) this.heading.value = heading;
    }
    this.textarea.readOnly = false;
    if (this.heading) this.heading.readOnly = false;
    this.form.removeAttribute("data-coediting");
    this.form.setAttribute("data-coedit-fallback", "");
    this.form.coediting = null;
    this.status.notice("Live co-editing is unavailable; your text is saved when you press Save.", "info");
    this.textarea.dispatchEvent(new Event("input", { bubbles: true })); // drafts.js keeps it
  }

  // --- Saving: publish once the server has everything ---

  unsaved() { return this.provider.pending > 0; }

  submit(event) {
    if (this.allowSubmit) { this.allowSubmit = false; this.editor && this.editor.sync(); return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (this.provider.readOnly || this.saving) return;
    const started = Date.now();
    const wait = () => {
      const p = this.provider;
      if (!this.form.isConnected) { this.saving = null; return; }
      if (p.connected && p.synced && p.pending === 0) {
        this.saving = null;
        this.status.show(p);
        this.allowSubmit = true;
        this.draftInput().value = this.draftId;
        if (this.editor) this.editor.sync();
        this.form.requestSubmit();
        return;
      }
      if (Date.now() - started > SAVE_WAIT) {
        this.saving = null;
        this.status.text("The server has not confirmed " + changes(p.pending) + " yet, so nothing was published. " +
          "Your text stays here and in this browser: press Save again once this says “Saved to the server”.", "error");
        return;
      }
      this.status.text("Waiting for " + changes(p.pending) + " to reach the server…", "pending");
      this.saving = setTimeout(wait, 100);
    };
    // Never synchronously: a form ignores requestSubmit() while its submit event is firing.
    this.saving = setTimeout(wait, 0);
  }

  destroy() {
    clearTimeout(this.saving);
    this.stop({ clearLocal: false });
    this.form.coediting = null;
  }
}

function mount(root) {
  if (!root || !root.querySelectorAll) return;
  const forms = root.matches && root.matches(FORMS) ? [root] : root.querySelectorAll(FORMS);
  forms.forEach((form) => {
    if (form.coediting || form.hasAttribute("data-coedit-fallback")) return;
    if (!form.querySelector("textarea[name=body]")) return;
    if (!validDraftId(form.getAttribute("data-draft-id"))) return;
    if (!/^\/ws\/[\w/-]*$/.test(form.getAttribute("data-draft-url") || "")) return;
    new CoeditSession(form); // eslint-disable-line no-new
  });
}

// Only pages served by the ASGI app can open /ws/ (planhub/live/context_processors.py).
if (window.WebSocket && document.querySelector('meta[name="planhub-websockets"]')) {
  window.PlanHubCoedit = { mount };
  // Before htmx's own submit handler (on the form): a save waits for the server.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form && form.coediting) form.coediting.submit(event);
  }, true);
  document.addEventListener("htmx:load", (event) => mount(event.target));
  document.addEventListener("htmx:beforeCleanupElement", (event) => {
    const form = event.target;
    if (form && form.coediting) form.coediting.destroy();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => mount(document.body));
  } else {
    mount(document.body);
  }
}
