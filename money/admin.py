"""Operators' view of the exchange rates: their date and source, a refresh, hand edits.

Only active superusers see it (recruiters get 403): a rate moves every posting's
comparable pay. The set of currencies is fixed (money.currencies.Currency), so rows are
neither added nor deleted; a hand edit stores the whole set again through
money.services, so every value in the reference currency follows it.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest

from listings.access import OperatorsOnly, is_operator
from money import services
from money.currencies import REFERENCE
from money.models import ExchangeRate
from money.rates import RatesError

REFRESH_ACTION = "refresh_now"


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ("per_eur",)

    def clean_per_eur(self):
        value = self.cleaned_data["per_eur"]
        if value is not None:
            try:
                services.rates_amended(currency=self.instance.currency, per_eur=value)
            except RatesError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return value


@admin.register(ExchangeRate)
class ExchangeRateAdmin(OperatorsOnly, admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ("currency", "per_eur", "in_reference", "rate_date", "source", "updated_at")
    fields = ("currency", "per_eur", "in_reference", "rate_date", "source", "updated_at")
    actions = (REFRESH_ACTION,)
    actions_selection_counter = False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # the euro's rate is 1 and a pegged currency follows its anchor: shown, not edited
        return is_operator(request.user) and (obj is None or obj.currency not in services.DERIVED)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["currency", "in_reference", "rate_date", "source", "updated_at"]

    def get_actions(self, request):
        # "delete selected" too goes: the set of currencies is fixed
        return {
            name: action
            for name, action in super().get_actions(request).items()
            if name == REFRESH_ACTION
        }

    def save_model(self, request, obj: ExchangeRate, form, change: bool) -> None:
        # Never obj.save(): one rate alone would leave every in_reference stale.
        if "per_eur" not in form.changed_data:
            return
        services.rate_change(
            currency=obj.currency, per_eur=obj.per_eur, by=request.user.get_username()
        )

    @admin.action(description="Refresh now from FX_RATES_URL", permissions=["change"])
    def refresh_now(self, request: HttpRequest, queryset) -> None:
        if not is_operator(request.user):
            return
        result = services.rates_refresh()
        if result.error:
            messages.error(request, f"Rates not refreshed, the stored ones stay: {result.error}")
        elif result.stored:
            messages.success(request, f"Stored the rates of {result.rate_date} ({result.source}).")
        else:
            messages.info(request, result.note)

    def changelist_view(self, request, extra_context=None):
        # The refresh is about the whole set: it needs no rows ticked.
        if (
            request.method == "POST"
            and request.POST.get("action") == REFRESH_ACTION
            and not request.POST.getlist(ACTION_CHECKBOX_NAME)
        ):
            post = request.POST.copy()
            every = ExchangeRate.objects.values_list("pk", flat=True)
            post.setlist(ACTION_CHECKBOX_NAME, list(every))
            request.POST = post
        try:
            url = services.shown_url(settings.FX_RATES_URL) if settings.FX_RATES_URL else ""
        except ValueError:
            url = "an invalid FX_RATES_URL"
        extra_context = {
            **(extra_context or {}),
            "rates_of": ExchangeRate.objects.order_by("-rate_date", "-updated_at").first(),
            "reference": REFERENCE,
            "fx_rates_url": url,
        }
        return super().changelist_view(request, extra_context)
