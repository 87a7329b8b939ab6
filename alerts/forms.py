from __future__ import annotations

from django import forms

from alerts.models import Frequency


class FrequencyField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Frequency.choices)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("label", "How often")
        super().__init__(**kwargs)


class AlertSettingsForm(forms.Form):
    name = forms.CharField(
        label="Name of the alert",
        max_length=120,
        help_text="Shown in the subject line, so you recognise it.",
    )
    frequency = FrequencyField(initial=Frequency.DAILY)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the alert a name.")
        return name


class SubscribeForm(AlertSettingsForm):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We send a link to confirm; nothing else arrives until you use it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, require_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not require_email:
            del self.fields["email"]
        self.order_fields(["email", "name", "frequency"])
