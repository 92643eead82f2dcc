"""What the ledger records of membership and settings changes."""

from planhub.ledger.chain import Action, append


def record_member(action: str, membership, by, **extra) -> None:
    append(
        project_id=membership.project_id,
        action=action,
        actor=by,
        target=membership,
        data={
            "user_id": membership.user_id,
            "user": membership.user.username,
            "role": membership.role,
            **extra,
        },
    )


def record_settings(project, by, changes: dict) -> None:
    """`changes`: {field: {"from": old, "to": new}} for each field that changed."""
    if changes:
        action = Action.SETTINGS
        append(project_id=project.pk, action=action, actor=by, target=project, data=changes)


def form_changes(form) -> dict:
    """What a bound, valid ModelForm changes: {field: {"from": initial, "to": cleaned}}."""
    return {
        name: {"from": form.initial.get(name), "to": form.cleaned_data[name]}
        for name in form.changed_data
    }
