"""Who can be @mentioned in a project's comments, the suggestions the comment box offers, and
who hears about a comment: the members it mentions (Event.MENTION) and, for a reply, the
thread's author and earlier repliers (Event.COMMENT_REPLY). Each person once (a mention wins),
never the writer, members only."""

import re
from dataclasses import dataclass

from django.db.models import Q

from planhub.document.mentions import NAME_MAX
from planhub.lib.params import InvalidParameter, shown
from planhub.notifications.models import Event
from planhub.notifications.notify import notify
from planhub.projects.models import Membership
from planhub.webhooks.events import WebhookEvent
from planhub.webhooks.publish import publish

from .webhook_data import plan_data

SUGGESTIONS_MAX = 8
# What may follow the "@" being completed: the start of a username.
_QUERY = re.compile(rf"[\w.+-]{{0,{NAME_MAX}}}")


@dataclass(frozen=True)
class Member:
    username: str
    name: str  # display name, or full name, or ""


def _members(project_id: int, query: Q | None = None) -> list[Member]:
    rows = (
        Membership.objects.filter(query or Q(), project_id=project_id)
        .order_by("user__username")
        .values_list(
            "user__username", "user__profile__display_name", "user__first_name", "user__last_name"
        )
    )
    return [
        Member(username, (display or f"{first} {last}").strip())
        for username, display, first, last in rows
    ]


def mentionable(project_id: int) -> dict[str, str]:
    """username -> the name a mention of them shows, for every member of the project."""
    return {member.username: member.name for member in _members(project_id)}


def suggestion_query(value: str) -> str:
    """The `q` of the suggestions endpoint: what was typed after "@" (may be empty)."""
    if not _QUERY.fullmatch(value):
        raise InvalidParameter(
            "q", f"expected the start of a username (letters, digits, _ . + -), got {shown(value)}"
        )
    return value


def suggestions(project_id: int, typed: str) -> list[Member]:
    """Members whose username starts with `typed` or whose name contains it; usernames that
    start with it first. At most SUGGESTIONS_MAX."""
    if typed:
        query = (
            Q(user__username__istartswith=typed)
            | Q(user__profile__display_name__icontains=typed)
            | Q(user__first_name__istartswith=typed)
            | Q(user__last_name__istartswith=typed)
        )
    else:
        query = None
    found = _members(project_id, query)
    found.sort(key=lambda member: not member.username.lower().startswith(typed.lower()))
    return found[:SUGGESTIONS_MAX]


def _member_ids(project_id: int, usernames) -> set[int]:
    return set(
        Membership.objects.filter(
            project_id=project_id, user__username__in=list(usernames)
        ).values_list("user_id", flat=True)
    )


def announce(written, *, new: bool) -> None:
    """Tell people about a comment just written (`new`) or edited: `written` is a
    reviews.models.Written (the comment, the usernames it newly mentions)."""
    comment = written.comment
    section = comment.section
    plan = section.plan
    project = plan.project
    author = comment.author
    where = f"“{section.heading or plan.title}” in {plan.title}"
    about = {"actor": author, "project": project, "plan": plan, "url": comment.get_absolute_url()}
    detail = comment.body[:500]
    mentioned = _member_ids(project.pk, written.mentioned) - {author.pk}
    if mentioned:
        notify(
            Event.MENTION, mentioned, title=f"{author} mentioned you on {where}", detail=detail,
            **about,
        )  # fmt: skip
    if not new:
        return
    if comment.parent_id is not None:
        thread = comment.parent
        earlier = set(thread.replies.exclude(pk=comment.pk).values_list("author_id", flat=True))
        if not thread.is_deleted:
            earlier.add(thread.author_id)
        repliers = earlier - mentioned  # notify() keeps members only, never the writer
        if repliers:
            notify(
                Event.COMMENT_REPLY, repliers, title=f"{author} replied on {where}",
                detail=detail, **about,
            )  # fmt: skip
    publish(
        project,
        WebhookEvent.COMMENT_CREATED,
        {
            **plan_data(
                plan, author, title=f"{plan.title} › {section}", url=comment.get_absolute_url()
            ),
            "section": {"id": section.pk, "heading": section.heading},
            "comment": {"id": comment.pk, "parent": comment.parent_id, "body": comment.body},
        },
    )
