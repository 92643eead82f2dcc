"""What a section needs to be shown alone (after a save or a review), with its review state."""

from django.db.models import BigIntegerField, IntegerField

from planhub.baselines.compare import mark_section
from planhub.coediting.banner import set_draft_banners
from planhub.document.slugs import plain_text, unique_slugs
from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.models import Section
from planhub.reviews.signoffs import may_hold_signoff_list, signoff_placement_in
from planhub.reviews.status import review_plan, review_section

# What judging a section reads of it (review_plan: status, placeholders, the content hash).
JUDGED_FIELDS = ("pk", "plan_id", "position", "level", "version", "placeholder_count")


def set_heading_slugs(sections) -> None:
    """Give each heading its GitHub anchor (`section.slug`), unique across `sections`: all the
    plan's sections, in order (the text before the first heading has none)."""
    headed = [s for s in sections if s.level]
    for section, slug in zip(
        headed, unique_slugs(plain_text(s.heading_html) for s in headed), strict=True
    ):
        section.slug = slug


# The plan's headings up to a position, in order (the anchor of a section shown alone, after
# every save and review): compiled once per process.
HEADINGS_UP_TO = CompiledQuery(
    lambda: Section.objects.filter(
        plan_id=Param("plan_id", BigIntegerField()),
        level__gt=0,
        position__lte=Param("position", IntegerField()),
    ).values_list("pk", "heading_html")
)


def heading_slug(section) -> str:
    """The anchor `section` has on the plan page, which depends on the headings before it
    (duplicates are numbered): one query for the plan's headings."""
    if not section.level or section.deleted_at is not None:
        return ""
    # Only the headings up to this one: a slug is numbered by the repeats before it.
    headings = HEADINGS_UP_TO.rows(plan_id=section.plan_id, position=section.position)
    ids = [pk for pk, _ in headings]
    slugs = unique_slugs(plain_text(html) for _, html in headings)
    return dict(zip(ids, slugs, strict=True)).get(section.pk, "")


def section_display_context(section) -> dict:
    section.review = review_section(section)
    section.slug = heading_slug(section)
    mark_section(section)  # "changed since v1.0", as on the plan page
    set_draft_banners([section])
    signoff_section_id, replaces_body = None, False  # not this section: nothing to place here
    if may_hold_signoff_list(section):
        signoff_section_id, replaces_body = signoff_placement_in(section.plan.sections.all())
    context = {"signoff_section_id": signoff_section_id, "signoff_replaces_body": replaces_body}
    if signoff_section_id == section.pk:
        # The sign-off table judges every section but shows none of their text: not read.
        sections = section.plan.sections.only(*JUDGED_FIELDS)
        context["plan_review"] = review_plan(section.plan, list(sections))
    return context
