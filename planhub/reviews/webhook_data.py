"""The part every review event's webhook data shares (tasks.py, mentions.py): a title and an
absolute link a chat line can show, who did it, and the plan."""

from django.conf import settings


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def plan_data(plan, actor, *, title: str, url: str) -> dict:
    return {
        "title": title,
        "url": absolute(url),
        "actor": actor.username if actor else None,
        "plan": {"id": plan.pk, "title": plan.title, "url": absolute(plan.get_absolute_url())},
    }
