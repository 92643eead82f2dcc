from django_tasks import task

from .digest import send_due_digest


@task()
def send_digest(user_id: int) -> int:
    """A person's digest, at the time DigestSchedule.due_at says (planhub/notifications/delivery.py
    schedules exactly one at a time)."""
    return send_due_digest(user_id)
