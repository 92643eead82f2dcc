"""Markdown to safe HTML for comments: the sections' Markdown (rendering.py's parser, fences,
task lists and sanitizer) without raw HTML, which shows as the text it is, plus @mentions of
the members given (mentions.py): a mention becomes `<span class="mention">`, with the member's
shown name; code spans and blocks never hold a mention.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape

from markdown_it.rules_inline import StateInline

from .mentions import match_at
from .parser import BoundedMarkdownIt, bounded_markdown
from .rendering import (
    Rendering,
    _mark_own_attributes,
    _no_cycle_collection,
    _own,
    _render_fence,
    _render_task_checkbox,
    sanitize,
)

MENTIONS_KEY = "planhub_mentions"


@dataclass(frozen=True)
class RenderedComment:
    html: str
    mentioned: frozenset[str]  # the usernames shown as mentions


@dataclass
class _Mentions:
    members: dict[str, str]  # lower-cased username -> username
    shown: Mapping[str, str]  # username -> the name shown
    found: set[str]


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    mentions: _Mentions = state.env[MENTIONS_KEY]
    mention = match_at(state.src, state.pos, mentions.members)
    if mention is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"username": mention.username}
        token.content = mention.source
    state.pos += len(mention.source)
    return True


def _render_mention(renderer, tokens, index, options, env) -> str:
    username = tokens[index].meta["username"]
    mentions: _Mentions = env[MENTIONS_KEY]
    mentions.found.add(username)
    shown = mentions.shown.get(username) or username
    return f'<span {_own(env).class_}="mention" title="@{escape(username)}">@{escape(shown)}</span>'


@cache
def _renderer() -> BoundedMarkdownIt:
    md = bounded_markdown(html=False)
    md.inline.ruler.before("newline", "mention", _mention_rule)
    md.core.ruler.push("own_attributes", _mark_own_attributes)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("task_checkbox", _render_task_checkbox)
    md.add_render_rule("mention", _render_mention)
    return md


def render_comment(text: str, members: Mapping[str, str] | None = None) -> RenderedComment:
    """Safe HTML for a comment; `members` maps each username that may be mentioned to the
    name to show for it (empty: the username)."""
    members = members or {}
    env = Rendering.env()
    mentions = _Mentions({name.lower(): name for name in members}, members, set())
    env[MENTIONS_KEY] = mentions
    with _no_cycle_collection():
        html = _renderer().render(text, env)
    return RenderedComment(sanitize(html, _own(env)), frozenset(mentions.found))
