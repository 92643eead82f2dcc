"""What the import commands share (a module starting with _ is not a command)."""

from pathlib import Path

from django.core.management.base import CommandError

from planhub.document.importing import InvalidMarkdown, decode_markdown


def read_markdown_file(path: Path) -> str:
    """The Markdown text of `path`, or a CommandError saying why it cannot be imported."""
    try:
        return decode_markdown(path.read_bytes(), name=str(path))
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except InvalidMarkdown as error:
        raise CommandError(str(error)) from None
