"""What happened to a plan's text, for the apps above this one (reviews tells people and
webhooks). Sent after the change is saved; receivers run inside the sender's request, so they
should only queue work for the background worker."""

from django.dispatch import Signal

# A section got a new version. Arguments: section, from_version (the version it replaced),
# author (who saved it).
section_published = Signal()

# Sections were added, moved, re-levelled, deleted or restored. Arguments: plan, author.
plan_restructured = Signal()
