// The WebSocket provider of a shared draft (docs/coediting-editor.md).
//
// y-websocket's own provider cannot tell what the server has stored, so this one speaks the
// same protocol (y-protocols sync and awareness, lib0 encoding) plus PlanHub's two messages:
// ACK (100: how many of this connection's update-carrying messages are stored) and CONTROL
// (101: JSON hello and draft events). "Pending" counts the local changes (transactions) that
// no acknowledged message covered yet, those made offline included: a sync step 2 sent on
// (re)connect carries everything the server lacks, so its acknowledgement covers every change
// made before it was sent.
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import * as awarenessProtocol from "y-protocols/awareness";
import { readPending, writePending } from "./pending.js";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_ACK = 100;
export const MESSAGE_CONTROL = 101;

const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 10000;
// Codes after which trying again cannot help (not logged in, no access, no such section).
const FINAL_CLOSE = new Set([4401, 4404]);

export class DraftProvider {
  // url: the WebSocket URL without ?draft; doc/awareness: the shared document; idb: the
  // y-indexeddb persistence (its updates are not the user's typing); on: event callbacks.
  constructor({ url, draftId, doc, awareness, idb, on }) {
    this.url = url;
    this.draftId = draftId;
    this.doc = doc;
    this.awareness = awareness;
    this.idb = idb;
    this.on = on || {};
    this.ws = null;
    this.connected = false;   // the socket is open and the hello came
    this.everConnected = false;
    this.synced = false;      // the server's state arrived at least once
    this.readOnly = false;
    this.failures = 0;        // connection attempts in a row that never got a hello
    this.destroyed = false;
    this.timer = null;
    // Local changes: seq counts them (starting with what an earlier page left unconfirmed),
    // acked is the highest seq an acknowledged message covered.
    this.seq = readPending(draftId);
    this.acked = 0;
    this.sent = [];           // [{index, seq}] of this connection's update-carrying messages
    this.sentCount = 0;

    this._onUpdate = (update, origin) => {
      if (origin === this || origin === this.idb) return; // remote, or replayed from IndexedDB
      this.seq += 1;
      if (this.connected && !this.readOnly) this._sendUpdate(update);
      this._pendingChanged();
    };
    this._onAwareness = ({ added, updated, removed }, origin) => {
      if (origin !== "local") return;
      const changed = added.concat(updated, removed);
      this._send(MESSAGE_AWARENESS, (e) => {
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      });
    };
    doc.on("update", this._onUpdate);
    awareness.on("update", this._onAwareness);
  }

  get pending() { return Math.max(0, this.seq - this.acked); }

  connect() {
    if (this.destroyed) return;
    clearTimeout(this.timer);
    const ws = new WebSocket(this.url + "?draft=" + encodeURIComponent(this.draftId));
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.sent = [];
    this.sentCount = 0;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this._send(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc));
      if (this.awareness.getLocalState() !== null) {
        this._send(MESSAGE_AWARENESS, (e) => {
          encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
        });
      }
    };
    ws.onmessage = (event) => { if (ws === this.ws) this._receive(new Uint8Array(event.data)); };
    ws.onclose = (event) => { if (ws === this.ws) this._closed(event.code); };
    ws.onerror = () => { /* onclose follows */ };
    this._status();
  }

  // Leaves the draft: tells the others this browser's cursor is gone.
  destroy() {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.doc.off("update", this._onUpdate);
    this.awareness.off("update", this._onAwareness);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      if (ws.readyState === WebSocket.OPEN) {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, MESSAGE_AWARENESS);
        awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "destroy");
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
        try { ws.send(encoding.toUint8Array(e)); } catch (err) { /* closing anyway */ }
      }
      ws.close();
    }
  }

  // --- Sending ---

  _send(type, write) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, type);
    write(e);
    ws.send(encoding.toUint8Array(e));
    return true;
  }

  _sendUpdate(update) {
    if (this._send(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update))) this._countSent();
  }

  _countSent() {
    this.sentCount += 1;
    this.sent.push({ index: this.sentCount, seq: this.seq });
  }

  // --- Receiving ---

  _receive(data) {
    let decoder;
    let type;
    try {
      decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
    } catch (err) { return; }
    if (type === MESSAGE_SYNC) this._receiveSync(decoder);
    else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    } else if (type === MESSAGE_ACK) this._receiveAck(decoding.readVarUint(decoder));
    else if (type === MESSAGE_CONTROL) {
      let message = null;
      try { message = JSON.parse(decoding.readVarString(decoder)); } catch (err) { return; }
      if (message && typeof message.type === "string") this._control(message);
    }
  }

  _receiveSync(decoder) {
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MESSAGE_SYNC);
    const kind = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
    if (kind === syncProtocol.messageYjsSyncStep1 && encoding.length(reply) > 1 && !this.readOnly) {
      // Our step 2: everything the server lacks, offline changes included. A socket already
      // closing drops it; the next connection's step 1 asks for it again.
      const ws = this.ws;
      if (ws && ws.readyState === WebSocket.OPEN) {
        ws.send(encoding.toUint8Array(reply));
        this._countSent();
      }
    }
    if (kind === syncProtocol.messageYjsSyncStep2 && !this.synced) {
      this.synced = true;
      if (this.on.synced) this.on.synced();
    }
  }

  _receiveAck(n) {
    let covered = this.acked;
    while (this.sent.length && this.sent[0].index <= n) covered = Math.max(covered, this.sent.shift().seq);
    if (covered !== this.acked) {
      this.acked = covered;
      this._pendingChanged();
    }
  }

  _control(message) {
    if (message.type === "hello") {
      if (message.draft !== undefined && String(message.draft) !== String(this.draftId)) {
        this._replaced(message.draft);
        return;
      }
      this.connected = true;
      this.everConnected = true;
      this.failures = 0;
      this.readOnly = !!message.read_only;
      if (this.on.hello) this.on.hello(message);
      this._status();
    } else if (message.type === "replaced") {
      this._replaced(message.draft);
    } else if (this.on.event) {
      this.on.event(message);
    }
  }

  _replaced(newDraft) {
    const ws = this.ws;
    this.ws = null;
    this.connected = false;
    if (ws) ws.close();
    if (this.on.replaced) this.on.replaced(newDraft);
  }

  _closed(code) {
    const wasConnected = this.connected;
    this.ws = null;
    this.connected = false;
    // Remote cursors are stale now; the server sends them again on reconnect.
    const others = Array.from(this.awareness.getStates().keys()).filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
    if (this.destroyed) return;
    if (!wasConnected) this.failures += 1;
    if (FINAL_CLOSE.has(code) || (code === 4403 && !wasConnected)) {
      if (this.on.refused) this.on.refused(code);
      return;
    }
    if (!this.everConnected && this.failures >= 3) {
      if (this.on.unavailable) this.on.unavailable();
      return;
    }
    if (code === 4413 && this.on.tooLarge) this.on.tooLarge();
    const delay = Math.min(BACKOFF_MIN * Math.pow(2, Math.max(0, this.failures - 1)), BACKOFF_MAX);
    this.timer = setTimeout(() => this.connect(), delay);
    this._status();
  }

  _pendingChanged() {
    writePending(this.draftId, this.pending);
    this._status();
  }

  _status() {
    if (this.on.status) this.on.status(this);
  }
}

export { Y };
