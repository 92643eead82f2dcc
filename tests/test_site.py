"""Site-wide pieces: health check, login, admin for every model."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_login_page_and_login(client, owner, password):
    assert b"Log in to PlanHub" in client.get("/accounts/login/").content
    response = client.post("/accounts/login/", {"login": "olivia", "password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    response = Client().post("/accounts/login/", {"login": "olivia", "password": "wrong"})
    assert b"The username and/or password you specified are not correct" in response.content


PLANHUB_MODELS = [m for m in apps.get_models() if m.__module__.startswith("planhub.")]


def test_every_planhub_app_with_models_is_covered():
    labels = {m._meta.app_label for m in PLANHUB_MODELS}
    assert labels == {
        "accounts",
        "projects",
        "plans",
        "reviews",
        "exports",
        "live",
        "api",
        "mail",
        "notifications",
        "invitations",
        "webhooks",
        "baselines",
        "ledger",
        "coediting",
    }


@pytest.fixture
def one_of_each(plan, owner, reviewer, viewer):
    """A row of every PlanHub model, for the admin to list and open."""
    from planhub.accounts.models import LoginFailure, Profile
    from planhub.api.models import ApiToken
    from planhub.exports.models import DiagramDrawing, PdfExport
    from planhub.live.models import Presence
    from planhub.plans.restructuring import add_section_after
    from planhub.reviews.models import Comment, SectionDecision, SignOff

    section = plan.sections.first()
    add_section_after(section, viewer)  # a StructureChange
    # LedgerEntry, LedgerHead: the plan's creation and add_section_after appended entries.
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=1
    )
    Comment.objects.create(section=section, author=reviewer, body="Looks right.")
    slot = plan.signoff_slots.first()
    SignOff.objects.create(slot=slot, user=reviewer, decision="signed", content_hash="0" * 64)
    PdfExport.objects.create(plan=plan, content_key="k" * 64, requested_by=owner)
    DiagramDrawing.objects.create(key="d" * 64, svg='<svg xmlns="http://www.w3.org/2000/svg"/>')
    Presence.objects.create(plan=plan, user=owner, last_seen=timezone.now())
    ApiToken.objects.create(user=owner, name="ci", prefix="abcd1234", token_hash="h" * 64)
    LoginFailure.objects.create(username="olivia", ip="127.0.0.1")
    Profile.of(owner)

    from planhub.mail.outbox import queue_mail

    queue_mail("olivia@example.com", "Hello", "Text")

    from planhub.notifications.notify import notify

    notify("mention", [owner], title="Mentioned", url=plan.get_absolute_url(), plan=plan)

    from planhub.invitations.models import Invitation

    Invitation.send(plan.project, "ivy@example.com", "editor", by=owner, site_url="http://x/")
    from planhub.notifications.models import DigestSchedule, Preference

    Preference.choose(owner, {"mention": "digest"})
    DigestSchedule.of(owner.pk)
    from planhub.webhooks.models import Webhook
    from planhub.webhooks.publish import publish

    Webhook.objects.create(
        project=plan.project,
        url="https://hooks.example.com/",
        secret="s" * 20,
        events=["plan.approved"],
    )
    publish(plan.project, "plan.approved", {"title": plan.title})  # a Delivery
    from planhub.baselines.models import FrozenSection, PlanVersion

    version = PlanVersion.objects.create(
        plan=plan, name="v1.0", title=plan.title, frozen_by=owner, content_hash="0" * 64
    )
    FrozenSection.objects.create(
        version=version, section_id=section.pk, position=0, level=1, section_version=1
    )
    from planhub.reviews.models import ReviewRequest

    ReviewRequest.create(plan, by=owner, reviewers=[reviewer], message="Please review")
    from planhub.coediting import drafts

    draft = drafts.open_draft(section)
    drafts.store_update(draft.pk, drafts.NO_CHANGE, owner.pk)  # a DraftUpdate
    drafts.DiscardedDraft.objects.create(section=section, body="kept", base_version=1)


@pytest.mark.parametrize("model", PLANHUB_MODELS, ids=lambda m: m.__name__)
def test_admin_lists_and_opens_every_model(admin_client, one_of_each, model):
    assert model in admin.site._registry
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    obj = model._default_manager.first()
    assert obj is not None, f"no {model.__name__} to open"
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200
