"""Who may manage what: the one definition of each rule.

- An operator is an active superuser: every company, posting, team and admin page.
- A recruiter is an active staff user with a Recruiter row: their own company's
  postings, applications, team and figures, and nothing of any other company's.
- A lead recruiter (an active recruiter whose row says so) also manages the company's
  team: invites, revokes, removes and names leads. Operators manage every team.
- A recruiter publishes without review only when operators marked the company trusted,
  and never what an operator took down; operators publish anything.
- Everyone else manages nothing: anonymous visitors, candidates, and every inactive
  account, whatever its superuser or staff flag says.

Every admin class, queryset (`for_recruiter`), template tag, stats check and view asks
here; no other module reads `is_superuser` (tests/admin/test_access.py keeps it so).
The querysets import this module, so it imports none of the app's models: it looks the
Recruiter model up by name when it needs it.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.apps import apps

from listings.choices import ModerationAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from listings.models import Company, Listing, Recruiter


def is_operator(user) -> bool:
    """A site operator: an active superuser."""
    return bool(user is not None and user.is_active and user.is_superuser)


def is_active_staff(user) -> bool:
    """An active staff user (an operator or a recruiter): who may open the admin at all."""
    return bool(user is not None and user.is_active and user.is_staff)


def counts_as_recruiter(user) -> bool:
    """Whether a Recruiter row of this user counts: an active staff user, not an operator
    (operators act for every company, not as one company's recruiter)."""
    return is_active_staff(user) and not is_operator(user)


def is_operator_account(user) -> bool:
    """Whether the account is an operator's, active or not. Only for naming who took a
    step ("an operator", "the team"); never for letting anyone in."""
    return bool(user is not None and user.is_superuser)


class Access:
    """What one user may manage. Their Recruiter row is read at most once per Access:
    admin code keeps one per request (`for_request`), as a page asks many times; the
    functions below make a fresh one, so a workflow's check reads the row afresh."""

    def __init__(self, user) -> None:
        self.user = user

    @property
    def is_operator(self) -> bool:
        return is_operator(self.user)

    @cached_property
    def recruiter(self) -> Recruiter | None:
        """The Recruiter row (and company) of an active staff user who is not an operator."""
        if not counts_as_recruiter(self.user):
            return None
        recruiters = apps.get_model("listings", "Recruiter").objects
        return (
            recruiters.select_related("company", "company__industry").filter(user=self.user).first()
        )

    @property
    def company(self) -> Company | None:
        """The company a recruiter posts for (None for operators and everyone else)."""
        return self.recruiter.company if self.recruiter else None

    @property
    def is_manager(self) -> bool:
        """An operator or a recruiter: someone who manages some company."""
        return self.is_operator or self.recruiter is not None

    def may_manage_company(self, company_id: int | None) -> bool:
        """Operators: every company; a recruiter: their own; nobody else any."""
        if self.is_operator:
            return True
        return (
            company_id is not None
            and self.recruiter is not None
            and self.recruiter.company_id == company_id
        )

    def is_lead(self, company: Company) -> bool:
        """An active lead recruiter of `company`."""
        return (
            self.recruiter is not None
            and self.recruiter.is_lead
            and self.recruiter.company_id == company.pk
        )

    def may_manage_team(self, company: Company) -> bool:
        """Operators, and the company's active lead recruiters."""
        return self.is_operator or self.is_lead(company)

    def publishes_without_review(self, company: Company | None) -> bool:
        """Operators; a recruiter for their own company, once operators marked it trusted."""
        if self.is_operator:
            return True
        return company is not None and company.trusted and self.may_manage_company(company.pk)

    def may_publish(self, listing: Listing) -> bool:
        """Operators publish anything; a recruiter their own company's postings if it
        publishes without review, but never one an operator took down (an operator puts
        it back up, after review)."""
        if self.is_operator:
            return True
        if listing.moderation_action == ModerationAction.UNPUBLISHED:
            return False
        return self.publishes_without_review(listing.company)


def for_request(request: HttpRequest) -> Access:
    """The Access of the request's user, made once per request."""
    try:
        return request._access
    except AttributeError:
        request._access = Access(request.user)
        return request._access


def recruiter_company(user) -> Company | None:
    """The company an active recruiter posts for (None for operators and everyone else)."""
    return Access(user).company


def may_manage_company(user, company_id: int | None) -> bool:
    """Operators: every company; a recruiter: their own; nobody else any."""
    return Access(user).may_manage_company(company_id)


def is_lead(user, company: Company) -> bool:
    """An active lead recruiter of `company`."""
    return Access(user).is_lead(company)


def may_manage_team(user, company: Company) -> bool:
    """Who invites, revokes, removes and names leads: operators, the company's leads."""
    return Access(user).may_manage_team(company)


def may_publish(user, listing: Listing) -> bool:
    """Whether `user` may publish the posting (None: the system itself, tests, commands)."""
    return user is None or Access(user).may_publish(listing)


# --------------------------------------------------------------------------- admin mixins


class OperatorsOnly:
    """Admin mixin: the model is the operators' alone, to see and to change."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request.user)


class ReadOnly:
    """Admin mixin for records nobody adds, edits or deletes in the admin (moderation
    events, invitations, emails, profiles): the workflows that own them do. Put it before
    OperatorsOnly."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CompanyRows:
    """Admin mixin for rows that belong to a company (`company_id_of`): on top of the
    model permissions, viewed and changed only by who may manage that company."""

    def company_id_of(self, obj) -> int | None:
        return obj.company_id

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self._manages(request, obj))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._manages(request, obj))

    def _manages(self, request: HttpRequest, obj) -> bool:
        return for_request(request).may_manage_company(self.company_id_of(obj))
