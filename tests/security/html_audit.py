"""An HTML page audited for anything that could run script or leave the page: what user text
must never turn into.

`audit(html)` parses the page (the standard library's HTML tokenizer: attribute values come
back entity-decoded, as a browser sees them) and lists every finding:
- a <script> that is not one of the app's own static files (`<script src="/static/…">`, empty);
- any on* event-handler attribute (the app has none of its own: APP_HANDLERS), and htmx's
  script-running attributes (hx-on*, js:/javascript: in hx-vals/hx-vars/hx-headers);
- a javascript:, vbscript: or data: URL in an attribute that loads or navigates (href, src,
  action, formaction, xlink:href, data, poster, background, srcset, ping, …), read the way a
  browser reads it (entities decoded, tabs and newlines removed, leading blanks stripped);
- <iframe>, <frame>, <object>, <embed>, <applet>, <base>, <meta http-equiv>, <link> to anything
  but the app's static files, <svg>, <math>, <template>, <noscript>, <isindex>;
- a form whose action leaves the site; a style attribute holding expression(), url(, @import,
  javascript:, behavior or -moz-binding, or a <style> holding one outside its quoted strings
  (the print page puts the plan title in a CSS string: it must stay inside it).

Each finding names the nearest marker (a unique word the test put before each payload) seen
before it in the page, so a finding on a page holding many payloads names its payload.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

MARKER = re.compile(r"xq\d{2,3}z")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "ping",
    "cite",
    "codebase",
    "dynsrc",
    "lowsrc",
    "longdesc",
    "manifest",
    "icon",
    "archive",
    "classid",
    "profile",
    "usemap",
    "srcdoc",
    "to",
    "values",
    "from",
    "by",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "svg",
    "math",
    "template",
    "noscript",
    "isindex",
    "portal",
    "fencedframe",
}
# The app's own inline handlers, (tag, attribute, value): none (its Content-Security-Policy
# forbids them; every script is a static file).
APP_HANDLERS: set[tuple[str, str, str]] = set()
BAD_STYLE = re.compile(r"expression\s*\(|url\s*\(|@import|javascript:|behavior\s*:|-moz-binding")
CSS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.DOTALL)
HTMX_SCRIPT_VALUES = ("hx-vals", "hx-vars", "hx-headers", "data-hx-vals", "data-hx-vars")


@dataclass(frozen=True)
class Finding:
    marker: str  # the payload's marker seen last before the finding ("" if none yet)
    what: str

    def __str__(self) -> str:
        return f"[{self.marker or 'before any marker'}] {self.what}"


def browser_url(value: str) -> str:
    """An attribute's URL as a browser resolves its scheme: C0 controls and spaces stripped
    at both ends, tabs and newlines removed anywhere, lower case."""
    value = value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f \x1f")
    return re.sub(r"[\t\n\r]", "", value).lower()


class _Auditor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self.markers: list[str] = []  # every marker, in page order (text and attributes)
        self._last_marker = ""
        self._in: list[str] = []  # open raw-text elements (script/style) and their attrs
        self._script_src = ""
        self._style_text: list[str] = []
        self.text: list[str] = []  # text and attribute values, as a reader of the page gets them

    def _see(self, text: str) -> None:
        self.text.append(text)
        for marker in MARKER.findall(text):
            self.markers.append(marker)
            self._last_marker = marker

    def _find(self, what: str) -> None:
        self.findings.append(Finding(self._last_marker, what))

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag in ("script", "style"):
            self._in.append(tag)
            self._style_text = []

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)
        if tag == "script":  # <script/> is not self-closing in HTML: treat as open and empty
            self._check_script(dict(attrs), "")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()
            text = "".join(self._style_text)
            if tag == "script":
                self._check_script(self._script_attrs, text)
            elif BAD_STYLE.search(CSS_STRING.sub('""', text).lower()):
                self._find(f"<style> with a script vector outside its strings: {text[:160]!r}")

    def handle_data(self, data):
        if self._in:
            self._style_text.append(data)
            return
        self._see(data)

    def _check_script(self, attrs: dict, text: str) -> None:
        src = attrs.get("src") or ""
        if src.startswith("/static/") and not text.strip():
            return
        self._find(f"<script src={src!r}>{text[:120]!r}</script>")

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for value in values.values():
            self._see(value)
        if tag == "script":
            self._script_attrs = values
        if tag in FORBIDDEN_TAGS:
            self._find(f"<{tag}> element: {attrs}")
        if tag == "meta" and "http-equiv" in values:
            self._find(f"<meta http-equiv>: {attrs}")
        if tag == "link" and not values.get("href", "").startswith("/static/"):
            self._find(f"<link> to {values.get('href')!r}")
        if tag == "form":
            action = values.get("action", "")
            if action and (not action.startswith("/") or action.startswith("//")):
                self._find(f"<form action={action!r}>")
        for name, value in values.items():
            if name.startswith("on") and (tag, name, value) not in APP_HANDLERS:
                self._find(f"<{tag} {name}={value!r}>")
            elif name.startswith(("hx-on", "data-hx-on")):
                self._find(f"<{tag} {name}={value!r}> (htmx runs it as script)")
            elif name in HTMX_SCRIPT_VALUES and browser_url(value).startswith(
                ("js:", "javascript:")
            ):
                self._find(f"<{tag} {name}={value!r}> (htmx evaluates it)")
            elif name in URL_ATTRIBUTES:
                for part in value.split(",") if name == "srcset" else [value]:
                    if browser_url(part).startswith(BAD_SCHEMES):
                        self._find(f"<{tag} {name}={value!r}>")
            elif name == "style" and BAD_STYLE.search(value.lower()):
                self._find(f"<{tag} style={value!r}>")


@dataclass
class Audit:
    findings: list[Finding]
    markers: list[str]  # markers seen, in page order
    text: str  # the page's text and attribute values, entity-decoded, joined by newlines


def audit(html: str) -> Audit:
    auditor = _Auditor()
    auditor._script_attrs = {}
    auditor.feed(html)
    auditor.close()
    return Audit(auditor.findings, auditor.markers, "\n".join(auditor.text))
