"""The plan's outline: the HTMX partial and its filter flags."""

import pytest
from django.urls import reverse

from .conftest import HX


def test_outline_partial(client, viewer, plan):
    client.force_login(viewer)
    url = reverse("plan_outline", args=[plan.project.slug, plan.pk])
    html = client.get(url, **HX).content.decode()
    assert html.lstrip().startswith('<h2 class="outline-title">') and "Architecture" in html
    framed = client.get(url + "?fill=1&frame=1", **HX).content.decode()
    assert framed.lstrip().startswith('<nav id="outline"') and "?fill=1" in framed
    assert "Show all sections" in framed and "Only sections still to fill" not in framed


@pytest.mark.parametrize("query", ["fill=maybe", "frame=²", "fill=1%00"])
def test_malformed_outline_flags_are_400(client, viewer, plan, query):
    client.force_login(viewer)
    for name in ("plan_detail", "plan_outline"):
        response = client.get(reverse(name, args=[plan.project.slug, plan.pk]) + "?" + query)
        if name == "plan_detail" and query.startswith("frame"):
            assert response.status_code == 200  # the plan page has no frame parameter
            continue
        assert response.status_code == 400
        assert response.content.decode().startswith(query.split("=")[0] + ": expected 1 or 0")


def test_outline_queries(client, viewer, plan, django_assert_max_num_queries):
    client.force_login(viewer)
    url = reverse("plan_outline", args=[plan.project.slug, plan.pk])
    # 12: one more for the plan's latest frozen version ("changed since v1.0" marks), one
    # for the plan's stamp (the outline is cached under it)
    with django_assert_max_num_queries(12):
        html = client.get(url, **HX).content.decode()
    assert "Architecture" in html
    # From the cache: the session, the user, the membership, the plan and its stamp.
    with django_assert_max_num_queries(5):
        assert client.get(url, **HX).content.decode() == html
