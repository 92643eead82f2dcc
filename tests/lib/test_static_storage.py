"""{% static %} through planhub/lib/static_storage.py: Django's URL, worked out once, and
again when the settings it depends on change."""

from django.template import engines
from django.templatetags.static import static


def render(text: str) -> str:
    return engines["django"].from_string(text).render({})


def test_the_tag_gives_djangos_url():
    html = render(
        "{% load static %}{% static 'css/planhub.css' %}|{% static 'x y.js' as u %}{{ u }}"
    )
    assert html == f"{static('css/planhub.css')}|{static('x y.js')}"


def test_a_new_static_url_is_followed(settings):
    assert render("{% load static %}{% static 'a.css' %}") == "/static/a.css"
    settings.STATIC_URL = "/assets/"
    assert render("{% load static %}{% static 'a.css' %}") == "/assets/a.css"
    settings.STATIC_URL = "https://cdn.example/s/"
    assert render("{% load static %}{% static 'a.css' %}") == "https://cdn.example/s/a.css"
