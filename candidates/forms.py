"""Forms candidates fill in. Each names its fields: nothing else on a request is read."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from candidates.models import MAX_BUDGET, MAX_YEARS, MIN_SALARY, Profile
from candidates.validators import detect_resume_kind, resume_max_bytes, too_large_message
from listings.choices import KPI, TECHNOLOGY_SUGGESTIONS, Level, Skill, Workplace
from listings.models import MAX_TEAM, Industry
from money.currencies import MAX_AMOUNT, amount_problem

KPI_VALUE_MAX = 24
MAX_TECHNOLOGIES = 25
# Control characters have no place in a profile (they break mail and PDFs downstream).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    return _CONTROL.sub("", value or "").strip()


class ProfileForm(forms.ModelForm):
    desired_levels = forms.MultipleChoiceField(
        label="Levels you want",
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    workplaces = forms.MultipleChoiceField(
        label="Workplaces you accept",
        choices=Workplace.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.MultipleChoiceField(
        choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    industries = forms.MultipleChoiceField(
        label="Industries you know",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label="Countries you would work in",
        choices=list(countries),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="For on-site and hybrid roles, where you would work; for remote roles, "
        "where you live. Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    technologies = forms.MultipleChoiceField(
        label="Technologies",
        choices=[(t, t) for t in TECHNOLOGY_SUGGESTIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_technologies = forms.CharField(
        label="Other technologies",
        required=False,
        max_length=600,
        help_text="Separate with commas, e.g. Kustomer, Sprinklr.",
    )

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "headline",
            "current_title",
            "current_level",
            "leadership_years",
            "largest_team",
            "largest_budget",
            "budget_currency",
            "industries",
            "skills",
            "technologies",
            "desired_levels",
            "desired_salary_min",
            "desired_currency",
            "countries",
            "workplaces",
            "summary",
            "visibility",
        ]
        labels = {
            "full_name": "Your name",
            "current_title": "Current title",
            "current_level": "Current level",
            "leadership_years": "Years leading customer-service teams",
            "largest_team": "Largest team led (people)",
            "largest_budget": "Largest annual budget owned",
            "budget_currency": "Budget currency",
            "desired_salary_min": "Minimum annual salary",
            "desired_currency": "Salary currency",
            "summary": "Summary",
            "visibility": "Who can see your profile",
        }
        help_texts = {
            "full_name": "Sent with your applications.",
            "summary": "A few sentences in your own words (plain text, up to 3,000 characters).",
            "desired_salary_min": "The lowest yearly base salary you would consider.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6, "maxlength": 3000}),
            "visibility": forms.RadioSelect,
            "leadership_years": forms.NumberInput(attrs={"min": 0, "max": MAX_YEARS}),
            "largest_team": forms.NumberInput(attrs={"min": 1, "max": MAX_TEAM}),
            "largest_budget": forms.NumberInput(attrs={"min": 1, "max": MAX_BUDGET}),
            "desired_salary_min": forms.NumberInput(
                attrs={"min": MIN_SALARY, "max": MAX_AMOUNT, "step": 1000}
            ),
        }
        error_messages = {
            "leadership_years": {
                "max_value": f"Enter at most {MAX_YEARS} years.",
                "min_value": "Years cannot be negative.",
            },
            "largest_team": {
                "max_value": f"Enter at most {MAX_TEAM:,} people.",
                "min_value": "Enter at least 1 person, or leave it empty.",
            },
            "largest_budget": {
                "max_value": f"Enter at most {MAX_BUDGET:,}.",
                "min_value": "Enter a positive amount, or leave it empty.",
            },
            "desired_salary_min": {
                "max_value": "That is more than any executive role pays; check the figure.",
                "min_value": f"Enter the yearly amount in full, e.g. 180000 (at least "
                f"{MIN_SALARY:,}).",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].choices = list(Industry.objects.values_list("slug", "name"))
        self.kpi_rows = self._kpi_rows()
        for name in ("full_name", "headline", "current_title"):
            self.fields[name].widget.attrs["maxlength"] = self.fields[name].max_length
        if self.instance and self.instance.pk:
            suggested = set(TECHNOLOGY_SUGGESTIONS)
            mine = list(self.instance.technologies)
            self.initial["technologies"] = [t for t in mine if t in suggested]
            self.initial["other_technologies"] = ", ".join(t for t in mine if t not in suggested)

    # KPIs are a table of fixed rows (one per KPI), not a model form field.
    def _kpi_rows(self) -> list[dict]:
        existing = {k["code"]: k for k in (self.instance.kpis_moved or [])}
        rows = []
        for code, label in KPI.choices:
            prefix = f"kpi_{code}"
            if self.is_bound:
                checked = self.data.get(prefix) == "on"
                before = self.data.get(f"{prefix}_before", "")
                after = self.data.get(f"{prefix}_after", "")
            else:
                row = existing.get(code)
                checked = row is not None
                before = row.get("before", "") if row else ""
                after = row.get("after", "") if row else ""
            rows.append(
                {
                    "code": code,
                    "label": label,
                    "name": prefix,
                    "checked": checked,
                    "before": before,
                    "after": after,
                    "error": "",
                }
            )
        return rows

    def _clean_kpis(self) -> list[dict]:
        moved = []
        for row in self.kpi_rows:
            before = _clean_text(str(row["before"]))
            after = _clean_text(str(row["after"]))
            if len(before) > KPI_VALUE_MAX or len(after) > KPI_VALUE_MAX:
                row["error"] = f"Keep each figure under {KPI_VALUE_MAX} characters."
                continue
            if row["checked"] or before or after:
                moved.append({"code": row["code"], "before": before, "after": after})
        if any(row["error"] for row in self.kpi_rows):
            raise ValidationError("Check the KPI figures below.")
        return moved

    def clean_full_name(self):
        return _clean_text(self.cleaned_data["full_name"])

    def clean_headline(self):
        return _clean_text(self.cleaned_data["headline"])

    def clean_current_title(self):
        return _clean_text(self.cleaned_data["current_title"])

    def clean_summary(self):
        return _clean_text(self.cleaned_data["summary"])

    def clean_other_technologies(self):
        raw = _clean_text(self.cleaned_data.get("other_technologies", ""))
        names = [n.strip() for n in raw.split(",") if n.strip()]
        too_long = [n for n in names if len(n) > 60]
        if too_long:
            raise ValidationError("Keep each technology under 60 characters.")
        return names

    def clean(self):
        cleaned = super().clean()
        try:
            self.instance.kpis_moved = self._clean_kpis()
        except ValidationError as exc:
            self.add_error(None, exc)
        technologies = list(cleaned.get("technologies") or [])
        for name in cleaned.get("other_technologies") or []:
            if name.casefold() not in {t.casefold() for t in technologies}:
                technologies.append(name)
        if len(technologies) > MAX_TECHNOLOGIES:
            self.add_error("other_technologies", f"List at most {MAX_TECHNOLOGIES} technologies.")
        cleaned["technologies"] = technologies
        currency = cleaned.get("desired_currency")
        if currency and (problem := amount_problem(cleaned.get("desired_salary_min"), currency)):
            self.add_error("desired_salary_min", problem)
        return cleaned


class ResumeForm(forms.Form):
    resume = forms.FileField(
        label="Résumé",
        help_text="PDF or Word (DOCX), at most 5 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )

    def __init__(self, *args, oversized: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = oversized

    def clean_resume(self):
        upload = self.cleaned_data["resume"]
        if upload.size > resume_max_bytes():
            raise ValidationError(too_large_message(), code="too_large")
        self.kind = detect_resume_kind(upload, upload.size)
        upload.seek(0)
        return upload

    def clean(self):
        if self.oversized:
            # the upload handler dropped a file over the limit before it reached us
            self.errors.pop("resume", None)
            self.add_error("resume", too_large_message())
        return super().clean()


class ApplyForm(forms.Form):
    cover_note = forms.CharField(
        label="Cover note (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": 3000}),
        help_text="A few lines for the recruiter: why this role, why now. Plain text.",
    )

    def clean_cover_note(self):
        return _clean_text(self.cleaned_data["cover_note"])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.")
        return password
