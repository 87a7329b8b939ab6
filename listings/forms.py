"""Forms for postings: the admin posting form and its fields."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone
from django_countries import countries

from listings.choices import (
    KPI,
    TECHNOLOGY_SUGGESTIONS,
    Channel,
    PostedBy,
    ReportReason,
    Skill,
    Status,
    Workplace,
)
from listings.models import Company, Industry, Listing
from listings.widgets import KPI_TARGET_MAX_LENGTH, CountriesSelectMultiple, KPITableWidget

# A pasted bullet list keeps its meaning without its bullets.
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")
# Control characters (but tab and newlines) and the two non-characters: XML 1.0 cannot
# carry them, so one in a published posting would break every feed that lists it. NUL is
# left to ProhibitNullCharactersValidator, which refuses it with a message.
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f\ufffe\uffff]")
# Word's line break (vertical tab) and page break (form feed), as pasted from a document.
_SOFT_BREAK = re.compile(r"[\x0b\x0c]")


def without_controls(text: str, *, multiline: bool = False) -> str:
    """`text` without control characters; a pasted line or page break becomes a newline
    (a space in one-line text)."""
    return _CONTROL.sub("", _SOFT_BREAK.sub("\n" if multiline else " ", text))


class LinesField(forms.Field):
    """A textarea where each non-blank line is one item of an ordered list."""

    widget = forms.Textarea
    default_validators = [ProhibitNullCharactersValidator()]
    separators = re.compile(r"\r\n|\r|\n")

    def __init__(self, *, max_items: int = 40, max_item_length: int = 1000, **kwargs):
        self.max_items = max_items
        self.max_item_length = max_item_length
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}))
        super().__init__(**kwargs)

    def split(self, text: str) -> list[str]:
        return self.separators.split(text)

    def to_python(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        items = []
        for line in self.split(str(value)):
            item = _BULLET.sub("", line).strip()
            if item:
                items.append(item)
        return items

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_items:
            raise ValidationError(f"At most {self.max_items} items, please.", code="max_items")
        too_long = [v for v in value if len(v) > self.max_item_length]
        if too_long:
            raise ValidationError(
                f"Keep each line under {self.max_item_length} characters "
                f"(“{too_long[0][:40]}…” is {len(too_long[0])}).",
                code="max_length",
            )

    def run_validators(self, value: list[str]) -> None:
        for item in value:
            super().run_validators(item)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def has_changed(self, initial, data) -> bool:
        try:
            return list(initial or []) != self.to_python(data)
        except ValidationError:
            return True


class TechnologiesField(LinesField):
    """Technologies one per line or comma separated; known names get their usual spelling."""

    separators = re.compile(r"\r\n|\r|\n|,")
    canonical = {name.casefold(): name for name in TECHNOLOGY_SUGGESTIONS}

    def to_python(self, value) -> list[str]:
        items, seen = [], set()
        for item in super().to_python(value):
            key = item.casefold()
            if key not in seen:
                seen.add(key)
                items.append(self.canonical.get(key, item))
        return items


class KPIField(forms.Field):
    """KPIs owned, each with an optional target: [{"code": "csat", "target": "≥ 90%"}]."""

    widget = KPITableWidget
    default_validators = [ProhibitNullCharactersValidator()]

    def to_python(self, value) -> list[dict]:
        if not value:
            return []
        if not isinstance(value, list):
            raise ValidationError("Tick the KPIs this role owns.", code="invalid")
        rows = []
        for row in value:
            if not isinstance(row, dict) or not isinstance(row.get("code"), str):
                raise ValidationError("Tick the KPIs this role owns.", code="invalid")
            rows.append(
                {
                    "code": row["code"],
                    "target": str(row.get("target") or "").strip(),
                    "owned": bool(row.get("owned", True)),
                }
            )
        return rows

    def validate(self, value: list[dict]) -> None:
        super().validate(value)
        labels = dict(KPI.choices)
        errors = []
        for row in value:
            label = labels.get(row["code"])
            if label is None:
                errors.append(ValidationError(f"Unknown KPI “{row['code'][:30]}”.", "invalid"))
            elif not row["owned"]:
                errors.append(
                    ValidationError(
                        f"{label} has a target but is not ticked as owned: tick it or clear "
                        "the target.",
                        code="target_without_kpi",
                    )
                )
            elif len(row["target"]) > KPI_TARGET_MAX_LENGTH:
                errors.append(
                    ValidationError(
                        f"Keep the {label} target under {KPI_TARGET_MAX_LENGTH} characters.",
                        code="max_length",
                    )
                )
        if errors:
            raise ValidationError(errors)

    def run_validators(self, value: list[dict]) -> None:
        for row in value:
            super().run_validators(row["target"])

    def clean(self, value) -> list[dict]:
        rows = super().clean(value)
        order = {code: i for i, code in enumerate(KPI.values)}
        rows.sort(key=lambda r: order.get(r["code"], len(order)))
        return [{"code": r["code"], "target": r["target"]} for r in rows]

    def has_changed(self, initial, data) -> bool:
        try:
            cleaned = self.clean(data)
        except ValidationError:
            return True

        def norm(rows):
            return sorted((r.get("code"), r.get("target") or "") for r in rows or [])

        return norm(initial) != norm(cleaned)


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def _technology_help() -> str:
    return "One per line or comma separated. Common: " + ", ".join(TECHNOLOGY_SUGGESTIONS) + "."


class ListingAdminForm(forms.ModelForm):
    """The recruiter's posting form: structured scope, KPIs and requirements.

    `allowed_company` is set by the admin for recruiters: the one company they may
    post for. A forged company id in the POST fails here and again in save_model.
    """

    allowed_company: Company | None = None
    is_operator: bool = False

    channels = forms.MultipleChoiceField(
        choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    kpis = KPIField(
        label="KPIs owned",
        required=False,
        help_text="Tick each KPI the role is accountable for; add a target where there is one.",
    )
    responsibilities = LinesField(
        required=False,
        help_text="One responsibility per line, most important first. Shown in this order.",
    )
    requirements = LinesField(
        required=False, help_text="One requirement per line, most important first."
    )
    skills = forms.MultipleChoiceField(
        choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    technologies = TechnologiesField(
        required=False,
        max_items=30,
        max_item_length=60,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=_technology_help(),
    )
    industries = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The industries the role serves; the company's own is added automatically.",
    )
    applicant_countries = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=CountriesSelectMultiple(),
        help_text="Remote roles: the countries applicants may live in.",
    )

    class Meta:
        model = Listing
        fields = [
            *("title", "company", "level", "function", "employment_type"),
            *("posted_by", "client_name", "client_website", "client_logo_url"),
            *("confidential", "client_descriptor", "hiring_contact_name", "hiring_contact_title"),
            *("team_size", "managers_reporting", "budget", "geographic_scope", "channels"),
            "kpis",
            *("responsibilities", "requirements", "min_leadership_years", "skills"),
            *("technologies", "industries"),
            *("salary_min", "salary_max", "currency", "salary_period", "bonus", "equity"),
            *("city", "region", "country", "workplace", "applicant_countries"),
            *("apply_method", "apply_url", "apply_email"),
            *("description", "valid_through"),
        ]
        formfield_callback = _formfield
        widgets = {"posted_by": forms.RadioSelect}
        help_texts = {
            "valid_through": "Leave empty for 60 days from publication.",
            "team_size": "Everyone in the organisation the role leads.",
            "budget": "Annual budget owned, in the posting's currency.",
            "client_name": "Search firms: the employer the search is for. Never shown for a "
            "confidential search.",
            "hiring_contact_name": "Shown on the posting, e.g. “Jane Doe”. For a confidential "
            "search, name someone at your firm, not at the client.",
            "hiring_contact_title": "e.g. “Chief Customer Officer”.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].choices = list(Industry.objects.values_list("slug", "name"))
        self.fields["applicant_countries"].choices = list(countries)
        if self.is_bound:
            # before any field sees it, so "required" and lengths apply to what is kept
            self.data = self._plain_text(self.data)
        if "posted_by" in self.fields:
            # a form that does not send it (older clients, scripts) posts as the employer
            self.fields["posted_by"].required = False
        company = self.fields.get("company")
        if company is not None and self.allowed_company is not None and not self.is_operator:
            company.queryset = Company.objects.filter(pk=self.allowed_company.pk)
            company.initial = self.allowed_company.pk
            company.empty_label = None
            company.help_text = "You post for your own company."

    def _plain_text(self, data):
        """The submitted data with control characters taken out of the free-text fields."""
        data = data.copy()
        keys: dict[str, bool] = {}  # data key -> multi-line?
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if isinstance(field, KPIField):
                keys.update((field.widget.target_name(key, code), False) for code in KPI.values)
            elif type(field) in (forms.CharField, LinesField, TechnologiesField):
                keys[key] = isinstance(field.widget, forms.Textarea)
        for key, multiline in keys.items():
            if key not in data:
                continue
            if hasattr(data, "getlist"):
                data.setlist(
                    key, [without_controls(str(v), multiline=multiline) for v in data.getlist(key)]
                )
            elif isinstance(data[key], str):
                data[key] = without_controls(data[key], multiline=multiline)
        return data

    def clean_posted_by(self):
        return self.cleaned_data.get("posted_by") or PostedBy.EMPLOYER

    def clean_company(self):
        company = self.cleaned_data.get("company")
        if self.is_operator:
            return company
        if self.allowed_company is None or company is None or company != self.allowed_company:
            raise ValidationError("You can only post for your own company.", code="company")
        return company

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        is_published = instance.pk is not None and instance.status == Status.PUBLISHED
        if is_published:
            # a live posting must keep what publication required
            if "valid_through" in self.fields and not cleaned.get("valid_through"):
                self.add_error("valid_through", "A published posting needs a “valid through” date.")
            if "responsibilities" in self.fields and not cleaned.get("responsibilities"):
                self.add_error(
                    "responsibilities", "A published posting needs at least one responsibility."
                )
            workplace = cleaned.get("workplace")
            if (
                workplace
                and workplace != Workplace.REMOTE
                and cleaned.get("country")
                and not (cleaned.get("city") or cleaned.get("region"))
            ):
                self.add_error("city", "A published posting needs a city or region.")
        valid_through = cleaned.get("valid_through")
        if (
            valid_through
            and "valid_through" in self.changed_data
            and valid_through <= timezone.now()
            and is_published
        ):
            self.add_error("valid_through", "Pick a date in the future, or close the posting.")
        return cleaned


class ModerationReasonForm(forms.Form):
    """An operator's reason for returning or unpublishing a posting: its recruiters read it."""

    reason = forms.CharField(
        label="Reason for the recruiter",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"}),
        help_text="Say what to change. The recruiters of the company are emailed this text "
        "and see it on the posting until they submit it again.",
        error_messages={"required": "Give the recruiter a reason."},
    )

    def clean_reason(self) -> str:
        reason = without_controls(self.cleaned_data["reason"], multiline=True).strip()
        if not reason:
            raise ValidationError("Give the recruiter a reason.")
        return reason


class ReportForm(forms.Form):
    """A visitor's report on a live posting (no account needed)."""

    reason = forms.ChoiceField(
        label="What is wrong with this posting?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything the operators should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[ProhibitNullCharactersValidator()],
    )

    def clean_note(self) -> str:
        return without_controls(self.cleaned_data["note"], multiline=True).strip()
