"""`{% static %}` with each path's URL worked out once per process (settings: the `static`
library is this one). base.html names a dozen files on every page, and the storage's `url()`
(the manifest's hashed name, quoting, joining) cost about 30 µs each, every time, for an
answer that changes only with the settings or a new deploy (a new process)."""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

register = template.Library()
register.filters.update(django_static.register.filters)
register.tags.update(django_static.register.tags)


class StaticNode(django_static.StaticNode):
    @classmethod
    def handle_simple(cls, path):
        return static_url(path)


@lru_cache(maxsize=512)
def static_url(path: str) -> str:
    return django_static.StaticNode.handle_simple(path)


@receiver(setting_changed)
def forget_urls(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES", "STATICFILES_STORAGE", "INSTALLED_APPS"):
        static_url.cache_clear()


@register.tag("static")
def do_static(parser, token):
    return StaticNode.handle_token(parser, token)
