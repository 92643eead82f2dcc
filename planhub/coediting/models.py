"""The shared draft of a section being co-edited: a Yjs document (Y.Text "body" and "heading")
kept as a compacted snapshot plus the updates stored since, each stored before it is
acknowledged to the browser that sent it."""

from django.conf import settings
from django.db import models

from planhub.plans.models import Section


class Draft(models.Model):
    """One open draft per section. Discarding deletes it; the next one has a new id (browsers
    key their offline copy by it, so a discarded draft never comes back from one)."""

    section = models.OneToOneField(Section, on_delete=models.CASCADE, related_name="draft")
    base_version = models.PositiveIntegerField(help_text="The section version the draft is on.")
    snapshot = models.BinaryField(default=bytes, help_text="Yjs update: the compacted state.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Everyone who typed in the draft since its last publication: the next version's authors.
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Draft of “{self.section}” on version {self.base_version}"


class DraftUpdate(models.Model):
    """A Yjs update of a draft, in the order stored (compaction folds them into the snapshot)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="updates")
    data = models.BinaryField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "pk"]
        indexes = [models.Index(fields=["draft", "id"], name="draftupdate_draft_id")]

    def __str__(self) -> str:
        return f"Update {self.pk} of draft {self.draft_id}"


class DiscardedDraft(models.Model):
    """The text of a discarded draft, kept so that discarding never loses work: the section's
    history lists it ("Discarded draft by X at T") with its text."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="discarded_drafts")
    heading = models.TextField(blank=True)
    body = models.TextField(blank=True)
    base_version = models.PositiveIntegerField()
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    discarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "-discarded_at", "-pk"]

    def __str__(self) -> str:
        return f"Draft of “{self.section}” discarded at {self.discarded_at}"

    @property
    def typists(self) -> str:
        """Who typed in it, “alice, bob”."""
        return ", ".join(sorted(user.username for user in self.authors.all()))
