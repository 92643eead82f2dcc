"""The shared draft of a section, from the section display: discarded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from planhub.coediting import drafts
from planhub.lib import params
from planhub.lib.params import rejects_invalid_parameters
from planhub.plans.access import get_section_for

from .section_display import section_display_context

DISCARDED = "Discarded the draft. Its text is kept in the section's history."
NOT_THERE = (
    "That draft is no longer open (published, discarded, or replaced by a newer one): "
    "nothing was discarded."
)


@login_required
@require_POST
@rejects_invalid_parameters
def draft_discard(request: HttpRequest, slug: str, plan_id: int, section_id: int) -> HttpResponse:
    """Discard the section's draft (`draft`: the one the page showed, so that a newer draft is
    never thrown away by an old page); its text stays in the section's history."""
    membership, section = get_section_for(request.user, slug, plan_id, section_id, need="can_edit")
    draft_id = params.int_param(request.POST, "draft")
    draft = drafts.Draft.objects.filter(section=section).first()
    status, notice = 200, DISCARDED
    if draft is None or draft_id not in (None, draft.pk):
        status, notice = 409, NOT_THERE
    else:
        try:
            drafts.discard(draft, request.user)
        except drafts.DraftGone:
            status, notice = 409, NOT_THERE
    if request.htmx:
        context = {
            "project": section.plan.project,
            "plan": section.plan,
            "section": section,
            "membership": membership,
            "save_notice": notice,
            **section_display_context(section),
        }
        return render(request, "plans/plan_detail.html#section", context, status=status)
    (messages.success if status == 200 else messages.error)(request, notice)
    return redirect(f"{section.plan.get_absolute_url()}#{section.anchor}")
