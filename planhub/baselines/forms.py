from django import forms

from .models import NAME_MAX, NOTE_MAX


class FreezeForm(forms.Form):
    """The freeze form; the model method checks the rest (and says why, for the user)."""

    name = forms.CharField(max_length=NAME_MAX, strip=True)
    note = forms.CharField(max_length=NOTE_MAX, required=False, widget=forms.Textarea)
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
