"""The inbox's entries, kept rendered. A notification never changes once sent but for being
read, so an entry's HTML is kept under what it shows (its id, read or not, its text, its event,
its time, the inbox page it is on); being read gives a new key. The CSRF token is filled in per
request; times are absolute (`{% timestamp %}`, shown as "2 hours ago" by the browser)."""

import hashlib
import secrets

from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

CACHE_ALIAS = "fragments"
ENTRY = "notifications/inbox.html#entry"
# Per process and random: no text of a notification can pass for it.
CSRF_MARKER = f"csrf-{secrets.token_hex(12)}"


def _key(notification, page_number: int) -> str:
    shown = (
        notification.pk,
        notification.read_at is not None,
        notification.title,
        notification.detail,
        notification.event,
        notification.created_at,
        page_number,
    )
    return "inbox-entry:" + hashlib.blake2b(repr(shown).encode(), digest_size=20).hexdigest()


def entries_html(notifications, page, csrf_token: str) -> dict[int, SafeString]:
    """{notification id: its entry's HTML} for one inbox page: one cache read, the missing ones
    rendered and kept."""
    cache = caches[CACHE_ALIAS]
    keys = {n.pk: _key(n, page.number) for n in notifications}
    found = cache.get_many(list(keys.values()))
    missing, html = {}, {}
    for notification in notifications:
        key = keys[notification.pk]
        if key not in found:
            context = {"n": notification, "page": page, "csrf_token": CSRF_MARKER}
            found[key] = missing[key] = get_template(ENTRY).render(context)
        html[notification.pk] = mark_safe(found[key].replace(CSRF_MARKER, csrf_token))
    if missing:
        cache.set_many(missing)
    return html
