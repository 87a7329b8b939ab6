"""Operators' view of the outbox: every email, its state and the outbox's health.

Only active superusers see it: emails carry people's addresses. Rows are read-only;
the one action sends chosen unsent emails now.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from listings.access import OperatorsOnly, ReadOnly, is_operator
from outbox import services
from outbox.models import Email


class EmailState(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("unsent", "Not sent yet"),
            ("retrying", "Retrying (last attempt had an error)"),
            ("sent", "Sent"),
            ("failed", "Refused, cancelled or given up"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unsent":
            return queryset.unsent()
        if value == "retrying":
            return queryset.unsent().exclude(last_error="")
        if value == "sent":
            return queryset.sent()
        if value == "failed":
            return queryset.failed()
        return queryset


@admin.register(Email)
class EmailAdmin(ReadOnly, OperatorsOnly, admin.ModelAdmin):
    list_display = ("id", "kind", "recipients", "subject", "created_at", "state", "attempts")
    list_filter = (EmailState, "kind", "failure")
    search_fields = ("to", "subject", "message_id")
    date_hierarchy = "created_at"
    actions = ("send_now",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Email._meta.fields]

    @admin.display(description="To")
    def recipients(self, obj: Email) -> str:
        return ", ".join(obj.to)

    @admin.action(description="Send the selected unsent emails now")
    def send_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not is_operator(request.user):
            return
        ids = list(queryset.unsent().filter(claimed_at=None).values_list("pk", flat=True))
        Email.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
        services.enqueue_send(ids)
        messages.success(request, f"Queued {len(ids)} email(s).")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "health": services.outbox_health()}
        return super().changelist_view(request, extra_context)
