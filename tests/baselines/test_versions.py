"""The versions list and the freeze form (POST to the same address)."""

from django.urls import reverse

from planhub.baselines.models import PlanVersion
from planhub.reviews.status import review_plan

from .conftest import freeze


def url(plan):
    return reverse("versions", args=[plan.project.slug, plan.pk])


def freeze_data(plan, **fields):
    return {"name": "v1.0", "note": "First release", **fields} | {
        "content_hash": fields.get("content_hash", review_plan(plan).content_hash)
    }


def test_empty_state_and_why_not_for_a_draft(client, owner, draft):
    client.force_login(owner)
    html = client.get(url(draft)).content.decode()
    assert "No version frozen yet" in html
    assert "Only an approved plan can be frozen: 5 sections not approved" in html
    assert "Freeze version</button>" not in html


def test_owner_freezes_an_approved_plan(client, owner, approved):
    client.force_login(owner)
    assert "Freeze version</button>" in client.get(url(approved)).content.decode()
    response = client.post(url(approved), freeze_data(approved))
    version = PlanVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Frozen version v1.0</strong>, frozen by olivia on" in page
    listing = client.get(url(approved)).content.decode()
    assert ">v1.0</a>" in listing and "First release" in listing


def test_non_owners_see_the_list_but_no_form(client, reviewer, approved, owner):
    freeze(approved, owner)
    client.force_login(reviewer)
    html = client.get(url(approved)).content.decode()
    assert ">v1.0</a>" in html
    assert "Only the project's owners can freeze a version." in html
    assert "Freeze version</button>" not in html
    response = client.post(url(approved), freeze_data(approved, name="v2"))
    assert response.status_code == 403
    assert PlanVersion.objects.count() == 1


def test_duplicate_name_400_and_the_input_kept(client, owner, approved):
    freeze(approved, owner)
    client.force_login(owner)
    response = client.post(url(approved), freeze_data(approved, note="My careful note"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This plan already has a version named “v1.0”." in html
    assert 'value="v1.0"' in html
    assert "My careful note</textarea>" in html
    assert PlanVersion.objects.count() == 1


def test_bad_name_400_and_the_input_kept(client, owner, approved):
    client.force_login(owner)
    response = client.post(url(approved), freeze_data(approved, name="v1<b>", note="kept"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "letters, digits, spaces and . _ - + ( ) only" in html
    assert 'value="v1&lt;b&gt;"' in html
    assert "kept</textarea>" in html
    assert not PlanVersion.objects.exists()


def test_too_long_name_400(client, owner, approved):
    client.force_login(owner)
    response = client.post(url(approved), freeze_data(approved, name="v" * 41))
    assert response.status_code == 400
    assert "at most 40 characters" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_not_approved_409_with_why(client, owner, draft):
    client.force_login(owner)
    response = client.post(url(draft), freeze_data(draft))
    assert response.status_code == 409
    assert "Only an approved plan can be frozen" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_changed_while_reading_409(client, owner, approved):
    client.force_login(owner)
    response = client.post(url(approved), freeze_data(approved, content_hash="0" * 64))
    assert response.status_code == 409
    assert "The plan changed while you were reading it" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_list_queries_do_not_grow_with_versions(
    client, owner, approved, django_assert_max_num_queries
):
    client.force_login(owner)
    for name in ("v1", "v2", "v3"):
        freeze(approved, owner, name=name)
        with django_assert_max_num_queries(14):
            assert client.get(url(approved)).status_code == 200


def test_missing_content_hash_400_says_so(client, owner, approved):
    client.force_login(owner)
    response = client.post(url(approved), {"name": "v1.0", "note": "kept note"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The form did not say which content you read. Nothing was frozen" in html
    assert "kept note</textarea>" in html
    assert not PlanVersion.objects.exists()
