// A small record of "this browser has N changes for draft D the server has not confirmed",
// kept in localStorage beside the y-indexeddb copy: after a reload the page knows there is
// unsent work before the first acknowledgement (the IndexedDB copy alone cannot tell).
const PREFIX = "planhub-coedit-pending:";

function store() {
  try { return window.localStorage || null; } catch (e) { return null; }
}

export function readPending(draftId) {
  const s = store();
  if (!s) return 0;
  let value = null;
  try { value = s.getItem(PREFIX + draftId); } catch (e) { return 0; }
  const n = parseInt(value || "0", 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function writePending(draftId, n) {
  const s = store();
  if (!s) return;
  try {
    if (n > 0) s.setItem(PREFIX + draftId, String(n));
    else s.removeItem(PREFIX + draftId);
  } catch (e) { /* full or refused: the IndexedDB copy still holds the text */ }
}
