// "In this draft: Bob, Carol": who else has this draft open, from the awareness states
// (one entry per person, however many tabs they have open), each with their colour dot.

export class PresenceLine {
  constructor(anchor, awareness) {
    this.awareness = awareness;
    this.element = document.createElement("p");
    this.element.className = "coedit-presence";
    this.element.setAttribute("data-coedit-presence", "");
    anchor.parentNode.insertBefore(this.element, anchor);
    this.key = null;
    this._changed = () => this.render();
    awareness.on("change", this._changed);
    this.render();
  }

  others() {
    const me = this.awareness.getLocalState();
    const myId = me && me.user ? String(me.user.id) : null;
    const people = new Map();
    this.awareness.getStates().forEach((state, clientId) => {
      if (clientId === this.awareness.clientID || !state || !state.user) return;
      const user = state.user;
      const id = String(user.id);
      if (id === myId || people.has(id)) return;
      people.set(id, { name: String(user.name || "Someone"), color: String(user.color || "#888") });
    });
    return Array.from(people.values()).sort((a, b) => a.name.localeCompare(b.name));
  }

  render() {
    const people = this.others();
    const key = JSON.stringify(people);
    if (key === this.key) return;
    this.key = key;
    this.element.textContent = "";
    if (!people.length) {
      this.element.textContent = "Only you are in this draft.";
      return;
    }
    this.element.appendChild(document.createTextNode("In this draft: "));
    people.forEach((person, i) => {
      const who = document.createElement("span");
      who.className = "coedit-person";
      const dot = document.createElement("span");
      dot.className = "coedit-dot";
      dot.setAttribute("aria-hidden", "true");
      // A colour from the server (hello), checked: it ends up in a style attribute.
      if (/^#[0-9a-fA-F]{3,8}$/.test(person.color)) dot.style.backgroundColor = person.color;
      who.appendChild(dot);
      who.appendChild(document.createTextNode(person.name));
      this.element.appendChild(who);
      if (i < people.length - 1) this.element.appendChild(document.createTextNode(", "));
    });
  }

  destroy() {
    this.awareness.off("change", this._changed);
    this.element.remove();
  }
}
