"""A plan's sign-off slots, created from its text (see planhub.document.signoff_list), and
the queries that find the section holding the sign-off list without reading every text."""

from django.db.models import Q

from planhub.document.signoff_list import find_approvals_list, signoff_placement

# Lower-case text every match of APPROVALS_HEADING / SIGNATURE_LINE contains.
HEADING_WORDS = ("approval", "sign")
SIGNATURE_WORDS = (
    "reviewed by:**",
    "approved by:**",
    "approved:**",
    "signed-off by:**",
    "signed off by:**",
)


def signoff_placement_in(sections) -> tuple[int | None, bool]:
    """signoff_placement for a queryset of a plan's sections, reading as little text as it can
    (a save asks after every edit): the sections headed like an approvals list first, then,
    only if none of those lists sign-offs, the texts that may hold signature lines."""
    section, _ = find_approvals_list(sections.filter(_approvals_headed()))
    if section is not None:
        return signoff_placement([section])
    return signoff_placement(signoff_candidates(sections))


def may_hold_signoff_list(section) -> bool:
    """Whether `section` passes signoff_candidates' filter (in Python, on the row at hand):
    when not, it cannot be the one holding the sign-off list, whatever the others hold."""
    body = section.body.casefold()
    if any(word in body for word in SIGNATURE_WORDS):
        return True
    heading = section.heading.casefold()
    return bool(section.level) and any(word in heading for word in HEADING_WORDS)


def _approvals_headed() -> Q:
    return Q(level__gt=0) & _any_word("heading", HEADING_WORDS)


def _any_word(field: str, words) -> Q:
    query = Q()
    for word in words:
        query |= Q(**{f"{field}__icontains": word})
    return query


def signoff_candidates(sections):
    """The sections of a queryset that may hold the sign-off list, filtered in SQL so a save
    need not read every section's text; the regular expressions above then decide."""
    return sections.filter(_approvals_headed() | _any_word("body", SIGNATURE_WORDS))
