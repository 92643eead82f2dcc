"""What the plan page's push channel hears: each change to a plan is announced to its group
once the transaction commits (`plan.changed`, then the page fetches the live poll)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from planhub.lib.broadcast import plan_group, send_after_commit
from planhub.plans import signals as plan_signals
from planhub.plans.models import Section
from planhub.reviews import signals as review_signals
from planhub.reviews.models import Comment


def announce(plan_id: int, section_id: int | None, kind: str) -> None:
    message = {"type": "plan.changed", "section": section_id, "kind": kind}
    send_after_commit(plan_group(plan_id), message)


@receiver(plan_signals.section_published, dispatch_uid="live-section-published")
def section_published(sender, section, **kwargs) -> None:
    announce(section.plan_id, section.pk, "published")


@receiver(plan_signals.plan_restructured, dispatch_uid="live-plan-restructured")
def plan_restructured(sender, plan, **kwargs) -> None:
    announce(plan.pk, None, "structure")


@receiver(review_signals.decision_recorded, dispatch_uid="live-decision-recorded")
def decision_recorded(sender, decision, **kwargs) -> None:
    announce(decision.section.plan_id, decision.section_id, "review")


@receiver(review_signals.signoff_recorded, dispatch_uid="live-signoff-recorded")
def signoff_recorded(sender, signoff, **kwargs) -> None:
    announce(signoff.slot.plan_id, None, "signoff")


@receiver(post_save, sender=Comment, dispatch_uid="live-comment-saved")
@receiver(post_delete, sender=Comment, dispatch_uid="live-comment-deleted")
def comment_changed(sender, instance, **kwargs) -> None:
    section_field = Comment._meta.get_field("section")
    if section_field.is_cached(instance):  # the views read it with the comment: no query
        plan_id = instance.section.plan_id
    else:
        plan_id = plan_of(instance.section_id)
    if plan_id is not None:  # None: the section went with it (its plan deleted)
        announce(plan_id, instance.section_id, "comment")


def plan_of(section_id: int) -> int | None:
    return Section.all_objects.filter(pk=section_id).values_list("plan_id", flat=True).first()
