from django import forms
from django.conf import settings

from .events import WebhookEvent
from .models import Webhook, new_secret
from .network import check_url_form, parse_networks


class WebhookForm(forms.ModelForm):
    url = forms.CharField(
        label="Payload URL",
        max_length=2000,
        help_text="PlanHub POSTs each event here (https:// recommended).",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/planhub-hook"}),
    )
    secret = forms.CharField(
        max_length=200,
        min_length=16,
        help_text="Signs every delivery (X-PlanHub-Signature). Copy it to your receiver; a "
        "random one is filled in for you.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )

    class Meta:
        model = Webhook
        fields = ["url", "secret", "events", "format", "active"]
        labels = {"active": "Active (send deliveries)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial["secret"] = new_secret()
            self.initial["events"] = list(WebhookEvent.values)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        problem = check_url_form(url, parse_networks(settings.WEBHOOK_ALLOWED_NETWORKS))
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"].strip()
        if not secret.isascii() or not secret.isprintable():
            raise forms.ValidationError("Use printable ASCII characters for the secret.")
        return secret
