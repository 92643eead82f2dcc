"""@mentions in a text: `@username` where username is one of a given set (a project's members).

A mention starts at an "@" that does not continue a word, an e-mail address or a path
(``bob@example.com``, ``a/@b`` are not mentions), and takes the longest run of username
characters (Django's: letters, digits, ``_ . + -``) after it. Punctuation that ends a sentence
is not part of the name: ``thanks @bob.`` mentions bob. Names are matched case-insensitively;
a name that is nobody's in the set stays plain text.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

NAME = re.compile(r"[\w.+-]+")
# A mention's "@" may not follow these: it would be inside a word, an address or a path.
# ("_" may: it is emphasis, as in _@bob_.)
_NOT_BEFORE = re.compile(r"[^\W_]|[.+\-@/]")
# What a name may lose at its end, one character at a time, to become a member's name.
_TRAILING = "._+-"
# Usernames are at most 150 characters (Django's User model).
NAME_MAX = 150


@dataclass(frozen=True)
class Mention:
    username: str  # as the members set spells it
    source: str  # as written, "@" included


def match_at(text: str, at: int, members: Mapping[str, object]) -> Mention | None:
    """The mention whose "@" is `text[at]`, or None. `members` is keyed by lower-cased name."""
    if text[at : at + 1] != "@" or (at > 0 and _NOT_BEFORE.match(text, at - 1)):
        return None
    name = NAME.match(text, at + 1)
    if name is None:
        return None
    candidate = name.group()[: NAME_MAX + 1]
    while candidate:
        username = members.get(candidate.lower())
        if username is not None and len(candidate) <= NAME_MAX:
            return Mention(username=str(username), source="@" + candidate)
        if candidate[-1] not in _TRAILING:
            return None
        candidate = candidate[:-1]
    return None


def split_mentions(text: str, members: Mapping[str, object]) -> list[str | Mention]:
    """`text` as plain strings and mentions, in order: joined back (a mention by its
    `source`) they are `text` again. Unlike rendering, it also finds mentions in code."""
    pieces: list[str | Mention] = []
    start = 0
    at = text.find("@")
    while at != -1:
        mention = match_at(text, at, members)
        if mention is None:
            at = text.find("@", at + 1)
            continue
        if at > start:
            pieces.append(text[start:at])
        pieces.append(mention)
        start = at + len(mention.source)
        at = text.find("@", start)
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def lowered(usernames) -> dict[str, str]:
    """The `members` argument for a collection of usernames."""
    return {name.lower(): name for name in usernames}
