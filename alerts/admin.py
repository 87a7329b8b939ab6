"""Operators' view of alerts: subscriptions, the outbox and its health.

Recruiters (staff without superuser) see nothing here: subscribers' addresses are
personal data, so only operators may look at them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from alerts import services
from alerts.criteria import criteria_summary
from alerts.models import Delivery, MatchJob, Subscription
from listings.access import OperatorsOnly
from outbox.models import Email
from outbox.services import enqueue_send


class OperatorOnly(OperatorsOnly):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # subscriptions come from visitors, deliveries from the matching


@admin.register(Subscription)
class SubscriptionAdmin(OperatorOnly, admin.ModelAdmin):
    list_display = ("name", "email", "frequency", "status", "kind", "created_at", "watermark")
    list_filter = ("status", "frequency", "kind")
    search_fields = ("email", "name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "email",
        "user",
        "kind",
        "criteria_in_words",
        "watermark",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    fields = ("name", "frequency", "status", *readonly_fields)
    actions = ("unsubscribe_selected",)
    list_select_related = ("user",)

    @admin.display(description="Criteria")
    def criteria_in_words(self, obj: Subscription) -> str:
        return criteria_summary(obj.criteria)

    @admin.action(description="Unsubscribe the selected alerts")
    def unsubscribe_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for subscription in queryset:
            if services.subscription_unsubscribe(subscription_id=subscription.pk):
                count += 1
        messages.success(request, f"Unsubscribed {count} alert(s).")


class DeliveryState(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("unsent", "Not sent yet"),
            ("pending", "Not composed yet"),
            ("failing", "Failing (its email's last attempt had an error)"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unsent":
            return queryset.unsent()
        if value == "pending":
            return queryset.pending()
        if value == "failing":
            return queryset.unsent().exclude(email__last_error="").exclude(email=None)
        if value == "sent":
            return queryset.sent()
        if value == "skipped":
            return queryset.exclude(skipped_at=None)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(OperatorOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "subscription",
        "listing",
        "created_at",
        "sent_at",
        "skip_reason",
        "email_state",
        "short_error",
    )
    list_filter = (DeliveryState, "skip_reason")
    search_fields = ("subscription__email",)
    list_select_related = ("subscription", "listing", "listing__company", "email")
    raw_id_fields = ("subscription", "listing", "email")
    actions = ("retry_now",)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Delivery._meta.fields]

    @admin.display(description="Email")
    def email_state(self, obj: Delivery) -> str:
        return obj.email.state if obj.email_id else "not composed"

    @admin.display(description="Last error")
    def short_error(self, obj: Delivery) -> str:
        return obj.email.last_error[:80] if obj.email_id else ""

    @admin.action(description="Send the selected unsent deliveries now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        rows = queryset.unsent()
        pending = rows.filter(email=None)
        ids = sorted(set(pending.values_list("subscription_id", flat=True)))
        pending.update(next_attempt_at=timezone.now())
        services.enqueue_compose(ids)
        email_ids = sorted(set(rows.exclude(email=None).values_list("email_id", flat=True)))
        Email.objects.filter(pk__in=email_ids, claimed_at=None).update(
            next_attempt_at=timezone.now()
        )
        enqueue_send(email_ids)
        messages.success(request, f"Queued {len(ids) + len(email_ids)} email(s).")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "health": services.delivery_health()}
        return super().changelist_view(request, extra_context)


@admin.register(MatchJob)
class MatchJobAdmin(OperatorOnly, admin.ModelAdmin):
    list_display = ("listing", "created_at", "done_at", "matched")
    list_filter = (("done_at", admin.EmptyFieldListFilter),)
    raw_id_fields = ("listing",)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
