"""Checks on Markdown that comes from outside (files, uploads) before it becomes a plan.

Blocks an export generated (the sign-off table, review summaries) are dropped: they describe a
plan's review state, which an import does not carry over."""

from .generated_blocks import strip_generated_blocks
from .sections import split_sections

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_SECTIONS = 1000


class InvalidMarkdown(ValueError):
    """The input cannot become a plan or template; the message says why, for the user."""


def decode_markdown(data: bytes, name: str = "the file") -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidMarkdown(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB."
        )
    if b"\x00" in data:
        raise InvalidMarkdown(f"{name} looks binary (it contains NUL bytes), not Markdown.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidMarkdown(
            f"{name} is not UTF-8 text (byte {error.start} cannot be decoded)."
        ) from None
    text = strip_generated_blocks(text.removeprefix("\ufeff"))
    if not text.strip():
        raise InvalidMarkdown(f"{name} is empty.")
    sections = split_sections(text)
    if not any(section.level for section in sections):
        raise InvalidMarkdown(f"{name} has no heading: a plan needs at least one `#` heading.")
    if len(sections) > MAX_IMPORT_SECTIONS:
        raise InvalidMarkdown(
            f"{name} has {len(sections)} sections; the limit is {MAX_IMPORT_SECTIONS}."
        )
    return text
