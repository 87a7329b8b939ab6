"""The signed-in visitor's own side of the public search pages, supplied from above.

listings, the ground floor, knows nothing of candidates. /jobs/ and /salaries/ ask
`viewer_for(request)`: None for an anonymous visitor (or while no app has
registered), else a Viewer, which the candidates app registers in its
AppConfig.ready (candidates/viewer.py): the visitor's pay currency, and how to
score postings against their profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.db.models import QuerySet
from django.http import HttpRequest


class Viewer(Protocol):
    """What a page may ask of a signed-in visitor with a profile."""

    @property
    def currency(self) -> str:
        """The currency they want pay in."""

    def annotate_match(self, queryset: QuerySet) -> QuerySet:
        """The postings annotated with `match_score` (0–100) for this visitor."""


Provider = Callable[[HttpRequest], "Viewer | None"]
_providers: list[Provider] = []


def register_viewer(provider: Provider) -> None:
    """Let an app above listings say who the signed-in visitor is (once, at start)."""
    if provider not in _providers:
        _providers.append(provider)


def viewer_for(request: HttpRequest) -> Viewer | None:
    """The visitor as a Viewer, or None (anonymous, or no profile): asked once a request."""
    if not hasattr(request, "_listings_viewer"):
        viewer = None
        if request.user.is_authenticated:
            for provider in _providers:
                viewer = provider(request)
                if viewer is not None:
                    break
        request._listings_viewer = viewer
    return request._listings_viewer
