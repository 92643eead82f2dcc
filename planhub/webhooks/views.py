"""A project's webhooks: owners list, add, edit and delete them, read each one's delivery log
and redeliver. Everyone else: 403 (members) or 404 (outsiders), as planhub/projects/access.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planhub.projects.access import get_membership

from .events import WebhookEvent
from .forms import WebhookForm
from .models import Delivery, Webhook
from .publish import queue

LOG_LENGTH = 50  # deliveries shown in a webhook's log, newest first


def _webhook(request: HttpRequest, slug: str, webhook_id: int) -> Webhook:
    membership = get_membership(request.user, slug, need="can_manage")
    return get_object_or_404(
        Webhook.objects.select_related("project"), pk=webhook_id, project=membership.project
    )


@login_required
@require_GET
def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_membership(request.user, slug, need="can_manage").project
    newest = Delivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-pk")
    webhooks = list(
        project.webhooks.annotate(
            last_state=Subquery(newest.values("state")[:1]),
            last_at=Subquery(newest.values("created_at")[:1]),
        )
    )
    for webhook in webhooks:
        webhook.last_state_label = (
            Delivery.State(webhook.last_state).label if webhook.last_at else ""
        )
    context = {"project": project, "webhooks": webhooks, "event_count": len(WebhookEvent)}
    return render(request, "webhooks/webhook_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_new(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_membership(request.user, slug, need="can_manage").project
    form = WebhookForm(request.POST or None, instance=Webhook(project=project))
    if request.method == "POST" and form.is_valid():
        webhook = form.save(commit=False)
        webhook.created_by = request.user
        webhook.save()
        messages.success(request, f"Webhook to {webhook.url} added.")
        return redirect("webhooks", slug)
    context = {"project": project, "form": form, "webhook": None}
    return render(request, "webhooks/webhook_form.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, slug: str, webhook_id: int) -> HttpResponse:
    webhook = _webhook(request, slug, webhook_id)
    form = WebhookForm(request.POST or None, instance=webhook)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Webhook to {webhook.url} saved.")
        return redirect("webhooks", slug)
    context = {"project": webhook.project, "form": form, "webhook": webhook}
    return render(request, "webhooks/webhook_form.html", context, status=_status(form))


@login_required
@require_POST
def webhook_delete(request: HttpRequest, slug: str, webhook_id: int) -> HttpResponse:
    webhook = _webhook(request, slug, webhook_id)
    webhook.delete()
    messages.success(request, f"Webhook to {webhook.url} deleted, with its delivery log.")
    return redirect("webhooks", slug)


def _log_context(webhook: Webhook) -> dict:
    return {
        "project": webhook.project,
        "webhook": webhook,
        "deliveries": webhook.deliveries.all()[:LOG_LENGTH],
        "log_length": LOG_LENGTH,
    }


@login_required
@require_GET
def deliveries(request: HttpRequest, slug: str, webhook_id: int) -> HttpResponse:
    webhook = _webhook(request, slug, webhook_id)
    template = "webhooks/deliveries.html" + ("#log" if request.htmx else "")
    return render(request, template, _log_context(webhook))


@login_required
@require_POST
def redeliver(request: HttpRequest, slug: str, webhook_id: int, delivery_id: int) -> HttpResponse:
    webhook = _webhook(request, slug, webhook_id)
    original = get_object_or_404(webhook.deliveries, pk=delivery_id)
    with transaction.atomic():
        queue(original.redelivery())
    note = f"Redelivery of the {original.event} event queued."
    if request.htmx:
        context = {**_log_context(webhook), "note": note}
        return render(request, "webhooks/deliveries.html#log", context)
    messages.success(request, note)
    return redirect("webhook_deliveries", slug, webhook.pk)


def _status(form) -> int:
    return 422 if form.is_bound else 200
