"""A section shown alone (the answer to a save or a review) reads its review bar, anchor,
baseline mark and draft banner through SQL compiled once per process
(planhub/pages/section_display.py). The plan page reads the same through the ORM; after each
step that changes one input, both must say the same thing."""

from pycrdt import Text

from planhub.baselines.compare import mark_sections
from planhub.coediting import drafts
from planhub.coediting.banner import draft_banners
from planhub.pages.section_display import section_display_context, set_heading_slugs
from planhub.plans.models import Section
from planhub.reviews.models import Comment, SectionDecision
from planhub.reviews.status import review_plan
from tests.baselines.conftest import approve_everything, freeze
from tests.factories import make_plan

TEXT = (
    "# Payments\n\n"
    "## Scope\n\nCards.\n\n"
    "## Risks\n\nRefunds.\n\n"
    "## Rollout\n\nSlowly.\n\n"
    "## Approvals\n\n- Technical Design\n"
)


def shown_alone(section_id: int) -> dict:
    section = Section.objects.select_related("plan__project").get(pk=section_id)
    section_display_context(section)
    review, banner = section.review, section.draft_banner
    return {
        "status": review.status,
        "decisions": [(d.reviewer_id, d.decision, d.version) for d in review.current]
        + [(d.reviewer_id, d.decision, d.version) for d in review.stale],
        "open_comments": review.open_comments,
        "slug": section.slug,
        "mark": section.baseline_mark,
        "banner": banner and (banner.draft_id, banner.who),
    }


def on_the_page(plan, section_id: int) -> dict:
    sections = list(plan.sections.all())
    set_heading_slugs(sections)
    mark_sections(plan, sections)
    banners = draft_banners([s.pk for s in sections])
    review = review_plan(plan, sections)
    section = next(s for s in sections if s.pk == section_id)
    shown = next(r for r in review.sections if r.section.pk == section_id)
    banner = banners.get(section_id)
    return {
        "status": shown.status,
        "decisions": [(d.reviewer_id, d.decision, d.version) for d in shown.current]
        + [(d.reviewer_id, d.decision, d.version) for d in shown.stale],
        "open_comments": shown.open_comments,
        "slug": section.slug,
        "mark": section.baseline_mark,
        "banner": banner and (banner.draft_id, banner.who),
    }


def test_the_section_alone_says_what_the_plan_page_says_after_each_step(
    project, owner, editor, reviewer
):
    plan = make_plan(project, owner, text=TEXT)
    risks = plan.sections.get(heading="Risks")
    seen = []

    def check():
        alone, page = shown_alone(risks.pk), on_the_page(plan, risks.pk)
        assert alone == page
        seen.append(alone)

    def edit(section, *, heading=None, body="Edited."):
        section = Section.objects.get(pk=section.pk)
        section.save_edit(
            author=editor,
            heading=heading or section.heading,
            body=body,
            base_version=section.version,
        )

    check()
    risks = Section.objects.get(pk=risks.pk)
    SectionDecision.record(
        section=risks, reviewer=reviewer, decision="approved", version=risks.version
    )
    check()
    SectionDecision.record(
        section=risks, reviewer=owner, decision="changes_requested", version=risks.version
    )
    check()
    edit(risks, body="Refunds, and chargebacks.")  # both decisions are stale now
    check()
    thread = Comment.write(section=risks, author=reviewer, body="Which provider?").comment
    check()
    thread.resolve(owner)
    check()
    edit(plan.sections.get(heading="Scope"), heading="Risks")  # a repeat before it: risks-1
    check()
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner, name="v1.0")
    check()
    edit(risks, body="Changed since v1.0.")
    check()
    draft = drafts.open_draft(Section.objects.get(pk=risks.pk))
    check()  # open, nobody typed: no banner
    doc = drafts.load_doc(draft)
    before = doc.get_state()
    doc.get("body", type=Text).insert(0, "Typed. ")
    drafts.store_update(draft.pk, doc.get_update(before), editor.pk)
    check()

    statuses = [s["status"] for s in seen]
    assert len(set(statuses)) >= 3  # the steps really changed what is shown
    assert {s["slug"] for s in seen} == {"risks", "risks-1"}
    assert {s["mark"] for s in seen} >= {None, ("changed", "v1.0"), ("", "v1.0")}
    assert {s["open_comments"] for s in seen} == {0, 1}
    assert seen[-1]["banner"] == (draft.pk, editor.username) and seen[-2]["banner"] is None
