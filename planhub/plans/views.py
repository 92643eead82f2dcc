from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from planhub.lib.next_url import local_next
from planhub.projects.access import get_membership

from .access import get_plan


@login_required
@require_POST
def plan_archive(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Archive (action=archive) or unarchive (action=unarchive) a plan; editors and owners.

    An archived plan leaves the project's list and the dashboard and keeps working at its
    address: readable, editable, reviewable, exportable."""
    membership = get_membership(request.user, slug, need="can_edit")
    plan = get_plan(membership, plan_id)
    target = local_next(request, plan.project, plan.project.get_absolute_url())
    action = request.POST.get("action", "")
    if action not in ("archive", "unarchive"):
        messages.error(request, "Choose Archive or Unarchive.")
        return redirect(target)
    plan.set_archived(action == "archive", request.user)
    if action == "archive":
        # The project page offers to undo this once, next to the list.
        request.session["planhub_undo_archive"] = plan.pk
        messages.success(
            request, f"Archived “{plan.title}”. It is listed under Show: archived plans."
        )
    else:
        messages.success(request, f"Unarchived “{plan.title}”: it is back in the plans list.")
    return redirect(target)
