"""Candidate pieces for pages other apps render (the posting page, search results).

{% load candidates %}
{% match_box listing %}            score and reasons for the signed-in candidate
{% save_button listing %}          save / unsave (one query, or none with saved_ids)
{% application_state listing %}    "You applied on …" when they have
{% saved_listing_ids page_obj as saved_ids %}   for a results page: one query
{% include "candidates/_save_button.html" with listing=listing saved_ids=saved_ids %}
{% include "candidates/_match_badge.html" with listing=listing %}  (annotated match_score)
"""

from __future__ import annotations

from django import template

from candidates.matching import match_for, score_label
from candidates.models import Application, Profile, SavedPosting

register = template.Library()


def _cache(context) -> dict:
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "_candidates_cache"):
        request._candidates_cache = {}
    return request._candidates_cache


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _profile(context) -> Profile | None:
    cache = _cache(context)
    if "profile" not in cache:
        user = _user(context)
        cache["profile"] = (
            Profile.objects.filter(user=user).first()
            if user is not None and user.is_authenticated
            else None
        )
    return cache["profile"]


@register.inclusion_tag("candidates/_match_box.html", takes_context=True)
def match_box(context, listing):
    user = _user(context)
    signed_in = bool(user and user.is_authenticated)
    profile = _profile(context) if signed_in else None
    return {
        "listing": listing,
        "signed_in": signed_in,
        "profile": profile,
        "match": match_for(profile, listing) if profile is not None else None,
    }


@register.inclusion_tag("candidates/_save_button.html", takes_context=True)
def save_button(context, listing, saved_ids=None):
    user = _user(context)
    if saved_ids is None:
        saved_ids = (
            SavedPosting.objects.listing_ids(user, [listing])
            if user is not None and user.is_authenticated
            else set()
        )
    return {
        "listing": listing,
        "saved_ids": saved_ids,
        "user": user,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def application_for(context, listing) -> Application | None:
    """The signed-in candidate's application to `listing`, if any."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return None
    return Application.objects.of(user).filter(listing=listing).first()


@register.inclusion_tag("candidates/_application_state.html", takes_context=True)
def application_state(context, listing):
    return {"listing": listing, "application": application_for(context, listing)}


@register.simple_tag(takes_context=True)
def saved_listing_ids(context, listings) -> set[int]:
    """Ids of the postings among `listings` the signed-in user saved (one query)."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return set()
    return SavedPosting.objects.listing_ids(user, list(listings))


@register.simple_tag(takes_context=True)
def applied_listing_ids(context, listings) -> set[int]:
    """Ids of the postings among `listings` the signed-in user applied to (one query)."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return set()
    ids = [getattr(item, "pk", item) for item in listings]
    return set(
        Application.objects.of(user).filter(listing_id__in=ids).values_list("listing_id", flat=True)
    )


@register.filter
def match_label(score) -> str:
    return score_label(score)
