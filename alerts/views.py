"""Alert pages: subscribe to a search, confirm, unsubscribe, manage.

Anyone: /alerts/new/?<search>, then the emailed links (confirm, manage,
unsubscribe). Signed-in candidates: /me/alerts/, where every alert is looked up
through the user's own queryset, so someone else's id is a 404.

The unsubscribe URL is the one in the List-Unsubscribe header: a POST to it with
no cookie, session or CSRF token unsubscribes at once and answers 200 (RFC 8058);
a GET only shows a page with a button, because mail scanners follow links.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from alerts import services, tokens
from alerts.criteria import (
    alert_filterset,
    criteria_from,
    criteria_summary,
    criteria_words,
    default_name,
    querydict,
)
from alerts.forms import AlertSettingsForm, SubscribeForm
from alerts.models import Frequency, Kind, Status, Subscription
from listings.labels import criteria_query_string
from listings.models import SearchEntry
from listings.search import count_results
from listings.visitors import client_address

MAX_ALERTS_PER_USER = 50


def _describe(subscription: Subscription) -> dict:
    criteria = subscription.criteria
    return {
        "subscription": subscription,
        "criteria_words": criteria_words(criteria),
        "criteria_summary": criteria_summary(criteria),
    }


# --------------------------------------------------------------------------- subscribe


@never_cache
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Subscribe to the search in the query string (the form posts back to the same URL)."""
    filterset = alert_filterset(request.GET)
    criteria = criteria_from(filterset)
    user_email = services.verified_email(request.user)
    initial = {"name": default_name(criteria), "frequency": Frequency.DAILY}
    if request.user.is_authenticated and not user_email:
        initial["email"] = request.user.email
    data = request.POST if request.method == "POST" else None
    form = SubscribeForm(data, initial=initial, require_email=user_email is None)
    context = {
        "form": form,
        "filterset": filterset,
        "criteria": criteria,
        "criteria_words": criteria_words(criteria),
        "query_string": criteria_query_string(criteria),
        "live_count": count_results(
            alert_filterset(request.GET, queryset=SearchEntry.objects.live())
        ),
        "user_email": user_email,
    }
    if request.method == "GET":
        return render(request, "alerts/new.html", context)

    if user_email is None and not services.subscribe_ip_allowed(client_address(request)):
        context["limited"] = "ip"
        return render(request, "alerts/new.html", context, status=429)
    if not form.is_valid():
        return render(request, "alerts/new.html", context, status=400)
    name, frequency = form.cleaned_data["name"], form.cleaned_data["frequency"]

    if user_email is not None:
        if Subscription.objects.for_user(request.user).count() >= MAX_ALERTS_PER_USER:
            context["too_many"] = MAX_ALERTS_PER_USER
            return render(request, "alerts/new.html", context, status=400)
        subscription, created = services.subscription_create_for_user(
            user=request.user, email=user_email, criteria=criteria, name=name, frequency=frequency
        )
        if created:
            messages.success(request, f"Your alert “{subscription.name}” is on.")
        else:
            messages.info(request, f"You already have this alert: “{subscription.name}”.")
        return redirect(f"{reverse('alerts:manage')}#alert-{subscription.pk}")

    email = form.cleaned_data["email"]
    if not services.subscribe_email_allowed(email):
        context["limited"] = "email"
        return render(request, "alerts/new.html", context, status=429)
    services.subscription_request(email=email, criteria=criteria, name=name, frequency=frequency)
    # The same page whether or not the address is known: it reveals nothing.
    context = {"email": email, "name": name, "query_string": context["query_string"]}
    return render(request, "alerts/check_inbox.html", context)


# --------------------------------------------------------------------------- emailed links


def _token_problem(request: HttpRequest, *, expired_id: int | None = None) -> HttpResponse:
    subscription = Subscription.objects.filter(pk=expired_id).first() if expired_id else None
    context = {"expired": expired_id is not None, "subscription": subscription}
    return render(request, "alerts/link_problem.html", context, status=410 if expired_id else 404)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what is being confirmed and a button; the POST confirms (scanners only GET)."""
    try:
        subscription_id = tokens.read(token, tokens.CONFIRM)
    except tokens.ExpiredToken as exc:
        return _token_problem(request, expired_id=exc.subscription_id)
    except tokens.InvalidToken:
        return _token_problem(request)
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return _token_problem(request)
    context = _describe(subscription)
    if request.method == "POST":
        result = services.subscription_confirm(subscription_id=subscription_id)
        if result is None:
            return _token_problem(request)
        context = _describe(result.subscription)
        context.update(confirmed=result.confirmed, duplicate=result.duplicate_of is not None)
        context["manage_url"] = tokens.manage_path(result.subscription)
        return render(request, "alerts/confirmed.html", context)
    if subscription.status != Status.PENDING:
        context.update(confirmed=False, duplicate=False)
        context["manage_url"] = tokens.manage_path(subscription)
        return render(request, "alerts/confirmed.html", context)
    return render(request, "alerts/confirm.html", context)


@csrf_exempt  # RFC 8058: mail providers POST here without cookies or a CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe: POST stops the alert and answers 200; GET only asks."""
    try:
        subscription_id = tokens.read(token, tokens.UNSUBSCRIBE)
    except tokens.InvalidToken:
        return render(request, "alerts/link_problem.html", {"expired": False}, status=400)
    if request.method == "POST":
        subscription = services.subscription_unsubscribe(subscription_id=subscription_id)
        context = {"subscription": subscription, "done": True}
        if subscription is not None:
            context.update(_describe(subscription))
        return render(request, "alerts/unsubscribe.html", context, status=200)
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    context = {"subscription": subscription, "done": False}
    if subscription is not None:
        context.update(_describe(subscription))
    return render(request, "alerts/unsubscribe.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """Manage one alert from the link in its emails (no account needed)."""
    try:
        subscription_id = tokens.read(token, tokens.MANAGE)
    except tokens.InvalidToken:
        return _token_problem(request)
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return _token_problem(request)
    form = AlertSettingsForm(
        initial={"name": subscription.name, "frequency": subscription.frequency}
    )
    if request.method == "POST" and subscription.status != Status.UNSUBSCRIBED:
        action = request.POST.get("action")
        if action == "pause":
            services.subscription_pause(subscription=subscription)
            messages.success(request, "Alert paused. Nothing is sent until you resume it.")
            return redirect(request.path)
        if action == "resume":
            services.subscription_resume(subscription=subscription)
            messages.success(request, "Alert resumed: new roles from now on.")
            return redirect(request.path)
        form = AlertSettingsForm(request.POST)
        if form.is_valid():
            services.subscription_update(
                subscription=subscription,
                name=form.cleaned_data["name"],
                frequency=form.cleaned_data["frequency"],
            )
            messages.success(request, "Alert saved.")
            return redirect(request.path)
    context = _describe(subscription)
    context.update(
        form=form,
        unsubscribe_url=reverse(
            "alerts:unsubscribe", args=[tokens.make(subscription.pk, tokens.UNSUBSCRIBE)]
        ),
        live_count=_live_count(subscription),
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "alerts/manage.html", context, status=status)


def _live_count(subscription: Subscription) -> int:
    """How many live postings match the alert's criteria today (on the search rows)."""
    data = querydict(subscription.criteria)
    return count_results(alert_filterset(data, queryset=SearchEntry.objects.live()))


# --------------------------------------------------------------------------- /me/alerts/


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The candidate's alerts: rename, change frequency, pause or resume, delete."""
    return _render_mine(request)


def _render_mine(request, *, bound: tuple[int, AlertSettingsForm] | None = None, status=200):
    subscriptions = (
        Subscription.objects.for_user(request.user)
        .annotate(last_sent=Max("deliveries__sent_at"))
        .order_by("kind", "-created_at", "-id")
    )
    rows = []
    has_profile_alert = False
    for subscription in subscriptions:
        has_profile_alert |= subscription.kind == Kind.PROFILE
        form = AlertSettingsForm(
            initial={"name": subscription.name, "frequency": subscription.frequency},
            prefix=f"alert-{subscription.pk}",
        )
        if bound and bound[0] == subscription.pk:
            form = bound[1]
        row = _describe(subscription)
        row["form"] = form
        row["live_count"] = _live_count(subscription)
        rows.append(row)
    context = {
        "rows": rows,
        "verified_email": services.verified_email(request.user),
        "has_profile_alert": has_profile_alert,
        "me_active": "alerts",
    }
    return render(request, "alerts/mine.html", context, status=status)


def _own(request: HttpRequest, pk: int) -> Subscription:
    return get_object_or_404(Subscription.objects.for_user(request.user), pk=pk)


@login_required
@require_POST
def mine_update(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own(request, pk)
    form = AlertSettingsForm(request.POST, prefix=f"alert-{subscription.pk}")
    if not form.is_valid():
        return _render_mine(request, bound=(subscription.pk, form), status=400)
    services.subscription_update(
        subscription=subscription,
        name=form.cleaned_data["name"],
        frequency=form.cleaned_data["frequency"],
    )
    messages.success(request, f"Saved “{form.cleaned_data['name']}”.")
    return redirect(f"{reverse('alerts:manage')}#alert-{subscription.pk}")


@login_required
@require_POST
def mine_pause(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own(request, pk)
    if services.subscription_pause(subscription=subscription):
        messages.success(request, f"Paused “{subscription.name}”.")
    return redirect(f"{reverse('alerts:manage')}#alert-{subscription.pk}")


@login_required
@require_POST
def mine_resume(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own(request, pk)
    if services.subscription_resume(subscription=subscription):
        messages.success(request, f"Resumed “{subscription.name}”: new roles from now on.")
    return redirect(f"{reverse('alerts:manage')}#alert-{subscription.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def mine_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own(request, pk)
    if request.method == "POST":
        name = subscription.name
        services.subscription_delete(subscription=subscription)
        messages.success(request, f"Deleted “{name}”.")
        return redirect("alerts:manage")
    context = _describe(subscription)
    context["me_active"] = "alerts"
    return render(request, "alerts/delete.html", context)


@login_required
@require_POST
def mine_profile_alert(request: HttpRequest) -> HttpResponse:
    """Create (or refresh) the "roles that match my profile" alert."""
    try:
        subscription, created = services.profile_alert_save(user=request.user)
    except PermissionError:
        messages.error(request, "Verify your email address first: alerts go only to it.")
        return redirect("alerts:manage")
    if created:
        messages.success(
            request, "Your profile alert is on. It follows your profile as it changes."
        )
    else:
        messages.info(request, "Your profile alert now follows your current profile.")
    return redirect(f"{reverse('alerts:manage')}#alert-{subscription.pk}")
