"""The parameters of "Approve all I have read": `section` values `<section id>:<version>`."""

from django.http import QueryDict

from planhub.lib.params import InvalidParameter, parse_int, shown

# More than any plan has sections: a bound on the work one request may ask for.
MAX_SECTIONS = 1000


def shown_versions(data: QueryDict) -> list[tuple[int, int]]:
    """[(section id, version shown)] in the order given, each section once; InvalidParameter
    (400, naming the value) for anything that is not `<id>:<version>`."""
    values = data.getlist("section")
    if len(values) > MAX_SECTIONS:
        raise InvalidParameter("section", f"at most {MAX_SECTIONS} sections at once")
    pairs: dict[int, int] = {}
    for value in values:
        section, colon, version = value.partition(":")
        if not colon:
            raise InvalidParameter(
                "section", f"expected <section id>:<version>, got {shown(value)}"
            )
        pairs.setdefault(parse_int(section, "section"), parse_int(version, "section version"))
    return list(pairs.items())
