"""What the ledger records of plans' changes (the fields an auditor checks on each record).

Called from the models and restructuring, inside the transaction of the change."""

from planhub.ledger.chain import Action, append, append_many, sha256_text

STRUCTURE_ACTIONS = {
    "added": Action.SECTION_ADDED,
    "moved_up": Action.SECTION_MOVED,
    "moved_down": Action.SECTION_MOVED,
    "promoted": Action.SECTION_LEVEL,
    "demoted": Action.SECTION_LEVEL,
    "deleted": Action.SECTION_DELETED,
    "restored": Action.SECTION_RESTORED,
}


def revision_data(revision, plan_id: int) -> dict:
    return {
        "plan_id": plan_id,
        "section_id": revision.section_id,
        "version": revision.version,
        "level": revision.level,
        "heading": revision.heading,
        "body_sha256": sha256_text(revision.body),
        "note": revision.note,
    }


def revision_item(revision, plan_id: int):
    return (Action.SECTION_VERSION, revision, revision_data(revision, plan_id))


def record_revision(revision, section, author) -> None:
    append(
        project_id=section.plan.project_id,
        action=Action.SECTION_VERSION,
        actor=author,
        target=revision,
        data=revision_data(revision, section.plan_id),
    )


def record_plan_created(plan, revisions, author, origin: str) -> None:
    """The plan and version 1 of each of its sections, in one append."""
    if not all(revision.pk for revision in revisions):  # backends without RETURNING ids
        revisions = list(type(revisions[0]).objects.filter(section__plan=plan))
    created = (
        Action.PLAN_CREATED,
        plan,
        {
            "title": plan.title,
            "template_id": plan.template_id,
            "origin": origin,
            "sections": len(revisions),
        },
    )
    append_many(
        project_id=plan.project_id,
        actor=author,
        items=[created, *(revision_item(revision, plan.pk) for revision in revisions)],
    )


def record_archived(plan, archived: bool, user) -> None:
    append(
        project_id=plan.project_id,
        action=Action.PLAN_ARCHIVED if archived else Action.PLAN_RESTORED,
        actor=user,
        target=plan,
        data={"title": plan.title},
    )


def record_structure(change, section) -> None:
    append(
        project_id=section.plan.project_id,
        action=STRUCTURE_ACTIONS[change.action],
        actor=change.author,
        target=section,
        data={
            "plan_id": section.plan_id,
            "section_id": section.pk,
            "heading": section.heading,
            "change": change.action,
            "detail": change.detail,
        },
    )


def record_assignment(slot, by) -> None:
    append(
        project_id=slot.plan.project_id,
        action=Action.SIGNOFF_ASSIGNED,
        actor=by,
        target=slot,
        data={
            "plan_id": slot.plan_id,
            "slot": slot.name,
            "assignee_id": slot.assignee_id,
            "assignee": slot.assignee.username if slot.assignee else "",
        },
    )
