// What the co-editing editor tells its user: the status line (polite live region), notices
// (someone published, a save merged in) and the "Your unsent text" box.

function make(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  return element;
}

function changes(n) { return n + (n === 1 ? " change" : " changes"); }

// The status line's text for a provider's state.
export function statusText(provider) {
  const n = provider.pending;
  if (provider.connected) {
    if (provider.readOnly) return "You are watching this draft; only editors can type.";
    return n ? "not synced — " + changes(n) + " waiting" : "Saved to the server";
  }
  if (n) return "Offline — " + changes(n) + " waiting, kept in this browser";
  return provider.everConnected ? "Reconnecting…" : "Connecting to the shared draft…";
}

export class StatusLine {
  constructor(form, anchor) {
    this.element = make("p", "coedit-status");
    this.element.setAttribute("role", "status");
    this.element.setAttribute("aria-live", "polite");
    this.element.setAttribute("data-coedit-status", "");
    this.notices = make("div", "coedit-notices");
    this.notices.setAttribute("aria-live", "polite");
    anchor.parentNode.insertBefore(this.notices, anchor);
    anchor.parentNode.insertBefore(this.element, anchor);
    this.form = form;
  }

  show(provider) {
    const text = statusText(provider);
    if (this.element.textContent === text) return;
    this.element.textContent = text;
    this.element.setAttribute("data-state", provider.connected ? (provider.pending ? "pending" : "saved") : "offline");
  }

  text(message, state) {
    this.element.textContent = message;
    this.element.setAttribute("data-state", state || "info");
  }

  notice(text, kind) {
    const p = make("p", "alert coedit-notice" + (kind ? " alert-" + kind : ""), text);
    p.setAttribute("data-coedit-notice", "");
    this.notices.appendChild(p);
    return p;
  }

  // Text the server never confirmed, kept visible with a copy button: it is never lost.
  unsent(heading, body) {
    const box = make("div", "alert alert-draft coedit-unsent");
    box.setAttribute("role", "alert");
    box.setAttribute("data-coedit-unsent", "");
    box.appendChild(make("p", "", "Your unsent text: the server never confirmed it. Copy it before you close the editor."));
    const text = (heading ? heading + "\n\n" : "") + body;
    const area = make("textarea", "coedit-unsent-text");
    area.readOnly = true;
    area.value = text;
    area.rows = Math.min(12, text.split("\n").length + 1);
    area.setAttribute("aria-label", "Your unsent text");
    box.appendChild(area);
    const copy = make("button", "button small", "Copy");
    copy.type = "button";
    const said = make("span", "coedit-copied");
    said.setAttribute("role", "status");
    copy.addEventListener("click", () => {
      const done = () => { said.textContent = "Copied."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, () => { area.select(); said.textContent = "Press Ctrl+C to copy."; });
      } else { area.select(); said.textContent = "Press Ctrl+C to copy."; }
    });
    box.appendChild(copy);
    box.appendChild(said);
    this.notices.appendChild(box);
    return box;
  }

  destroy() {
    this.element.remove();
  }
}
