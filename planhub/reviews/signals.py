"""Review decisions as they are recorded (events.py queues the jobs that tell people)."""

from django.dispatch import Signal

# Arguments: decision (a SectionDecision).
decision_recorded = Signal()
# Arguments: signoff (a SignOff).
signoff_recorded = Signal()
