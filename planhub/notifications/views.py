from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from planhub.accounts.models import Profile
from planhub.lib.params import int_param, rejects_invalid_parameters

from .entries import entries_html
from .forms import PreferencesForm
from .grouping import group_by_plan
from .models import DigestSchedule, Event, Notification, Preference, inbox_counts, unread_count
from .preferences import save_preferences, unsubscribe
from .unsubscribe import InvalidLink, read_token

PER_PAGE = 25
CHANGED = "notificationsChanged"  # what the top bar's count listens to
# What an inbox page shows (entries.py keys an entry on these): not the plans' and projects'
# whole rows (their text, settings, references), only the titles the groups are named by.
SHOWN_FIELDS = (
    *("event", "title", "detail", "created_at", "read_at"),
    *("plan", "plan__title", "project", "project__name"),
)


def _mine(request: HttpRequest, notification_id: int) -> Notification:
    return get_object_or_404(Notification, pk=notification_id, recipient=request.user)


def _inbox_context(request: HttpRequest, page_number: int) -> dict:
    notifications = (
        Notification.objects.filter(recipient=request.user)
        .select_related("plan", "project")
        .only(*SHOWN_FIELDS)
    )
    paginator = Paginator(notifications, PER_PAGE)
    paginator.count, unread = inbox_counts(request.user.pk)  # one query, not the paginator's
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        raise Http404("There is no such page of notifications.") from None
    entries = list(page.object_list)
    html = entries_html(entries, page, get_token(request))
    for notification in entries:
        notification.entry_html = html[notification.pk]
    return {
        "page": page,
        "groups": group_by_plan(entries),
        "unread": unread,
        # The top bar's count (context_processors.py) is the same number: not counted twice.
        "unread_notifications": unread,
    }


@login_required
@require_GET
@rejects_invalid_parameters
def inbox(request: HttpRequest) -> HttpResponse:
    context = _inbox_context(request, int_param(request.GET, "page") or 1)
    return render(request, "notifications/inbox.html", context)


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = _mine(request, notification_id)
    notification.mark_read()
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = _mine(request, notification_id)
    notification.mark_read()
    if request.htmx:
        response = render(request, "notifications/inbox.html#entry", {"n": notification})
        return trigger_client_event(response, CHANGED)
    return redirect(_back_to_inbox(request))


@login_required
@require_POST
@rejects_invalid_parameters
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = Notification.objects.filter(recipient=request.user).mark_read()
    if request.htmx:
        context = _inbox_context(request, int_param(request.POST, "page") or 1)
        response = render(request, "notifications/inbox.html#inbox", context)
        return trigger_client_event(response, CHANGED)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect(_back_to_inbox(request))


def _back_to_inbox(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    inbox_url = reverse("notifications")
    if target.startswith(inbox_url) and url_has_allowed_host_and_scheme(target, None):
        return target
    return inbox_url


@login_required
@require_GET
def notifications_unread(request: HttpRequest) -> HttpResponse:
    count = unread_count(request.user.pk)
    return render(request, "notifications/_inbox_link.html#badge", {"unread_notifications": count})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    schedule = DigestSchedule.of(request.user.pk)
    chosen = Preference.deliveries([request.user.pk])[request.user.pk]
    form = PreferencesForm(request.POST or None, chosen=chosen, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        save_preferences(request.user, form.choices(), data["frequency"], data["hour"])
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notification_preferences")
    context = {"form": form, "time_zone": Profile.of(request.user).time_zone}
    return render(
        request, "notifications/preferences.html", context, status=422 if form.errors else 200
    )


@csrf_exempt  # RFC 8058: the mail client POSTs without a cookie; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, events = read_token(token)
    except InvalidLink as error:
        return render(request, "notifications/unsubscribe.html", {"error": error}, status=400)
    context = {"events": [Event(e).label for e in events], "subscriber": user, "token": token}
    if request.method == "POST":
        unsubscribe(user, events)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
