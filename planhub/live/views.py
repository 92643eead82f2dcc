"""The plan page's live channel: one cheap JSON poll, changes since a cursor plus presence, read
from and written to the database only (any number of app servers answer alike)."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from planhub.lib import params
from planhub.lib.params import InvalidParameter
from planhub.plans.access import get_plan_for

from .changes import OVERLAP, changes_since
from .models import Presence
from .signals import announce

HINTS = {
    "since": "Give back the last answer's cursor.",
    "editing": "Give the id of the section being edited, or nothing.",
}


def read_cursor(query: QueryDict, now: datetime) -> datetime:
    """The cursor this endpoint gave out (ISO 8601 with offset), never later than `now`; none
    means "from now on" (nothing to catch up). InvalidParameter when it is not one."""
    since = params.datetime_param(query, "since")
    return now if since is None else min(since, now)


@never_cache
@require_GET
def live_poll(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """GET ?since=<cursor>&editing=<section id or empty>: what changed, and who is here."""
    if not request.user.is_authenticated:  # a script asks: 401, not the login page (302)
        return JsonResponse({"error": "Your session ended: reload the page to log in."}, status=401)
    membership, plan = get_plan_for(request.user, slug, plan_id)
    now = timezone.now()  # the server's clock: the next cursor; the client's is never used
    try:
        since = read_cursor(request.GET, now)
        editing_id = params.int_param(request.GET, "editing")
    except InvalidParameter as error:
        return JsonResponse({"error": f"{error}. {HINTS[error.name]}"}, status=400)
    changes = changes_since(plan, since - OVERLAP, request.user.pk)

    if not membership.can_edit or editing_id not in changes.order:
        editing_id = None  # a viewer never edits; a section of another plan is ignored
    pushed = request.GET.get("pushed") == "1"  # the page's socket is open
    others, news = Presence.objects.touch(
        plan, request.user, section_id=editing_id, now=now, pushed=pushed
    )
    if news:  # the other pages poll rarely while their sockets are open: tell them
        announce(plan.pk, None, "presence")

    section_url = reverse("section_detail", args=[slug, plan.pk, 0]).removesuffix("0/") + "{id}/"
    return JsonResponse(
        {
            "cursor": now.isoformat(),
            **changes.as_json(request.user.pk),
            "presence": [presence.as_json() for presence in others],
            "section_url": section_url,
        }
    )
