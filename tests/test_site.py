"""Site-wide pieces: health check, login, admin for every model."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_login_page_and_login(client, owner, password):
    assert b"Log in to PlanHub" in client.get("/accounts/login/").content
    response = client.post("/accounts/login/", {"username": "olivia", "password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post("/accounts/login/", {"username": "olivia", "password": "wrong"})
    assert b"Please enter a correct username and password" in response.content


PLANHUB_MODELS = [m for m in apps.get_models() if m._meta.app_label in {"projects", "plans"}]


@pytest.mark.parametrize("model", PLANHUB_MODELS, ids=lambda m: m.__name__)
def test_admin_lists_and_opens_every_model(admin_client, plan, viewer, model):
    from planhub.plans.structure import add_section_after

    add_section_after(plan.sections.first(), viewer)  # a StructureChange to open
    assert model in admin.site._registry
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200
