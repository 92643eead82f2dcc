"""The plan as one Markdown document, with generated blocks (sign-off table, review summaries)
fenced so that an import drops them; `plain` leaves them out."""

from planhub.plans.generated_blocks import generated_block
from planhub.plans.models import Plan
from planhub.plans.outline import join_sources
from planhub.reviews.signoffs import signoff_placement
from planhub.reviews.status import PlanReview, review_plan


def plan_markdown(plan: Plan, *, plain: bool = False, review_summary: bool = False) -> str:
    """The plan's Markdown. A plain export of an untouched plan is its template's text."""
    sections = list(plan.sections.select_related("updated_by"))
    if plain:
        return join_sources([section.source for section in sections])
    review = review_plan(plan, sections)
    line_ending = plan.line_ending
    signoff_section_id, _ = signoff_placement(sections)
    parts = []
    for section in sections:
        source = section.source
        if review_summary:
            summary = review_summary_text(review, section)
            source += generated_block("review", summary, source, line_ending)
        if section.pk == signoff_section_id:
            source += generated_block("signoff", signoff_table(review), source, line_ending)
        parts.append(source)
    if signoff_section_id is None:
        before = "".join(parts)
        table = f"## Sign-off\n\n{signoff_table(review)}"
        parts.append(generated_block("signoff", table, before, line_ending))
    return "".join(parts)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip() or "—"


def signoff_table(review: PlanReview) -> str:
    rows = ["| Sign-off | Assignee | Decision | Date | Content |", "|---|---|---|---|---|"]
    for slot in review.slots:
        latest = slot.latest
        date = latest.created_at.date().isoformat() if latest else ""
        if slot.status == "signed":
            content = "current"
        elif slot.status == "stale":
            content = "stale (edited since)"
        elif slot.declined_earlier:
            content = "declined earlier content"
        else:
            content = ""
        decision = slot.status_label
        if latest and latest.reason:
            decision += f": {latest.reason}"
        assignee = slot.slot.assignee.username if slot.slot.assignee else ""
        rows.append(
            f"| {_cell(slot.slot.name)} | {_cell(assignee)} | {_cell(decision)} "
            f"| {_cell(date)} | {_cell(content)} |"
        )
    rows.append("")
    status = f"Plan status: **{review.status_label}**"
    if review.approved_with_placeholders:
        count = review.placeholders
        status += f" with {count} placeholder{'s' if count != 1 else ''} left"
    rows.append(status + ".")
    return "\n".join(rows)


def review_summary_text(review: PlanReview, section) -> str:
    state = review.by_section[section.pk]
    parts = [f"Review: {state.status_label}"]
    for approval in state.current:
        parts.append(
            f"{approval.reviewer.username} {approval.verb_on} version {approval.version} "
            f"({approval.created_at.date().isoformat()})"
        )
    for approval in state.stale:
        parts.append(
            f"{approval.reviewer.username}'s decision on version {approval.version} is stale"
        )
    if state.placeholders:
        parts.append(f"{state.placeholders} placeholder{'s' if state.placeholders != 1 else ''}")
    if state.open_comments:
        count = state.open_comments
        parts.append(f"{count} open comment{'s' if count != 1 else ''}")
    return "> " + "; ".join(parts) + "."
