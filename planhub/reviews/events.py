"""What the rest of PlanHub hears of reviews: each event queues a job (tasks.py) once its
transaction commits, so that a save or an approval never waits for mail or webhooks."""

from django.db import transaction
from django.dispatch import receiver

from planhub.plans import signals

from . import request_tasks, tasks
from . import signals as review_signals


def _after_commit(job, *args) -> None:
    transaction.on_commit(lambda: job.enqueue(*args))


@receiver(signals.section_published)
def section_published(sender, section, from_version, author, **kwargs) -> None:
    _after_commit(tasks.section_published, section.pk, from_version, getattr(author, "pk", None))


@receiver(signals.plan_restructured)
def plan_restructured(sender, plan, author, **kwargs) -> None:
    _after_commit(tasks.plan_restructured, plan.pk, getattr(author, "pk", None))


@receiver(review_signals.decision_recorded)
def decision_recorded(sender, decision, **kwargs) -> None:
    _after_commit(tasks.decision_recorded, decision.pk)


@receiver(review_signals.signoff_recorded)
def signoff_recorded(sender, signoff, **kwargs) -> None:
    _after_commit(tasks.signoff_recorded, signoff.pk)


def signoff_assigned(slot, by) -> None:
    if slot.assignee_id is not None:
        _after_commit(tasks.signoff_assigned, slot.pk, getattr(by, "pk", None))


@receiver(review_signals.review_requested)
def review_requested(sender, requests, **kwargs) -> None:
    _after_commit(request_tasks.review_requested, [request.pk for request in requests])
