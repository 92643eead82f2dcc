// CodeMirror 6 in place of the section form's textarea, bound to the draft's body Y.Text, and
// the heading input bound to its heading Y.Text. The textarea stays in the form (hidden) and is
// kept equal to the body, so the form posts what the editor shows.
import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, drawSelection, highlightActiveLine, highlightSpecialChars,
} from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { Language, defineLanguageFacet, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { parser as markdownParser, GFM } from "@lezer/markdown";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import * as Y from "yjs";

// Ctrl/Cmd+Enter (save) and Escape (cancel) belong to planhub.js, which listens on the
// document: CodeMirror must not take them.
const OWN_KEYS = new Set(["Mod-Enter", "Escape"]);
const keys = defaultKeymap.filter((binding) => !OWN_KEYS.has(binding.key));

// Markdown (GitHub's flavour) highlighting straight from @lezer/markdown: @codemirror/lang-markdown
// would also bundle the HTML, CSS and JavaScript languages (+200 KiB) for code blocks.
const markdownLanguage = new Language(
  defineLanguageFacet({ commentTokens: { block: { open: "<!--", close: "-->" } } }),
  markdownParser.configure(GFM), [], "markdown",
);

// Sizes and the focus ring of the page's own fields (planhub.css), over CodeMirror's defaults.
const theme = EditorView.theme({
  "&": { minHeight: "10rem", maxHeight: "70vh" },
  "&.cm-focused": { outline: "3px solid #7aa2f7", outlineOffset: "2px" },
  ".cm-scroller": { overflow: "auto", minHeight: "10rem" },
  ".cm-content": { minHeight: "10rem" },
  // Others' names stay shown above their cursors (y-codemirror.next shows them on hover only),
  // in the page's font, dark on the person's (bright) colour; on the first line, where the
  // editor's edge would cut them off, below the cursor.
  ".cm-ySelectionCaret > .cm-ySelectionInfo": {
    opacity: 1, top: "-1.2em", fontFamily: "var(--font, sans-serif)", color: "#111",
    whiteSpace: "nowrap", borderRadius: "3px",
  },
  ".cm-line:first-child .cm-ySelectionCaret > .cm-ySelectionInfo": { top: "1.3em" },
});

export function mountEditor({ textarea, ytext, awareness, label }) {
  const readOnly = new Compartment();
  const undoManager = new Y.UndoManager(ytext);
  const view = new EditorView({
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        highlightSpecialChars(),
        drawSelection(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        theme,
        markdownLanguage,
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        // Undo and redo of one's own typing (Yjs' UndoManager); Tab leaves the editor, as in
        // the textarea, so the keyboard is never trapped.
        keymap.of([...yUndoManagerKeymap, ...keys]),
        yCollab(ytext, awareness, { undoManager }),
        readOnly.of([EditorState.readOnly.of(false), EditorView.editable.of(true)]),
        EditorView.contentAttributes.of({
          "aria-label": label,
          "aria-multiline": "true",
          "data-coedit-body": "",
        }),
      ],
    }),
  });
  view.dom.classList.add("coedit-editor");
  textarea.parentNode.insertBefore(view.dom, textarea.nextSibling);
  textarea.hidden = true;

  // The textarea follows the shared text (for the POST, and for the fallback).
  const sync = () => { textarea.value = ytext.toString(); };
  ytext.observe(sync);
  sync();

  return {
    view,
    sync,
    setReadOnly(on) {
      view.dispatch({
        effects: readOnly.reconfigure([EditorState.readOnly.of(on), EditorView.editable.of(!on)]),
      });
    },
    focus() { view.focus(); },
    destroy() {
      ytext.unobserve(sync);
      undoManager.destroy();
      view.destroy();
      textarea.hidden = false;
    },
  };
}

// The heading input edits the heading Y.Text with the smallest change (common prefix and
// suffix kept), and remote changes move the caret with the text around it.
export function bindHeading(input, ytext) {
  const origin = { heading: input };
  input.value = ytext.toString();

  const onInput = () => {
    const before = ytext.toString();
    const after = input.value;
    if (before === after) return;
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let endBefore = before.length;
    let endAfter = after.length;
    while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
      endBefore--;
      endAfter--;
    }
    ytext.doc.transact(() => {
      if (endBefore > start) ytext.delete(start, endBefore - start);
      if (endAfter > start) ytext.insert(start, after.slice(start, endAfter));
    }, origin);
  };

  const onRemote = (event, transaction) => {
    if (transaction.origin === origin) return;
    const focused = document.activeElement === input;
    let selStart = input.selectionStart || 0;
    let selEnd = input.selectionEnd || 0;
    let index = 0;
    for (const op of event.delta) {
      if (op.retain) index += op.retain;
      else if (op.insert) {
        const n = op.insert.length;
        if (index < selStart) selStart += n;
        if (index < selEnd) selEnd += n;
        index += n;
      } else if (op.delete) {
        const n = op.delete;
        if (index < selStart) selStart -= Math.min(n, selStart - index);
        if (index < selEnd) selEnd -= Math.min(n, selEnd - index);
      }
    }
    input.value = ytext.toString();
    if (focused) input.setSelectionRange(selStart, Math.max(selStart, selEnd));
  };

  input.addEventListener("input", onInput);
  ytext.observe(onRemote);
  return {
    destroy() {
      input.removeEventListener("input", onInput);
      ytext.unobserve(onRemote);
    },
  };
}
