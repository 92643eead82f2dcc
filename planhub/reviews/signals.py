"""Review decisions as they are recorded (events.py queues the jobs that tell people)."""

from django.dispatch import Signal

# Arguments: decision (a SectionDecision).
decision_recorded = Signal()
# Arguments: signoff (a SignOff).
signoff_recorded = Signal()
# Arguments: requests (the ReviewRequests just made, one per reviewer).
review_requested = Signal()
