"""A signed-in candidate, as the public search pages see them (listings.viewer)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

from candidates.matching import annotate_match_score
from candidates.models import Profile


@dataclass(frozen=True)
class ProfileViewer:
    profile: Profile

    @property
    def currency(self) -> str:
        return self.profile.desired_currency

    def annotate_match(self, queryset: QuerySet) -> QuerySet:
        return annotate_match_score(queryset, self.profile)


def profile_viewer(request: HttpRequest) -> ProfileViewer | None:
    """The signed-in user's profile, if they have one."""
    profile = Profile.objects.filter(user=request.user).first()
    return ProfileViewer(profile) if profile is not None else None
