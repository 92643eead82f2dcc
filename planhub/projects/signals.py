"""What happened to a project's members, for the apps above (open WebSockets re-check access).
Adding and removing a member also send Django's post_save / post_delete."""

from django.dispatch import Signal

# A member's role changed (saved with an UPDATE, so post_save does not fire). Arguments:
# membership (with its new role).
role_changed = Signal()
