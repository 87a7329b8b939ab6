"""A company's team of recruiters: invitations, joining, removal and lead recruiters.

Who may do what (listings.access; every function checks it again, whatever the caller
did):

- every recruiter of a company sees its team; operators see every company's;
- a company's active lead recruiters, and operators, invite, revoke, remove and name
  leads; nobody else, and nobody for a company they do not belong to.

An invitation is a row (listings.Invitation) and an email with a signed link that
carries the row's id and nonce (`invitation_token`). The link works once, until the
row's `expires_at` (TEAM_INVITATION_VALID_DAYS), and not after it was revoked or
replaced by a newer invitation to the same address. Joining is decided by one
conditional UPDATE of the row (`invitation_accept`), so two clicks racing on one link
make one account. Every change to a company's team first locks the company's row:
the lead checks, the daily limit and "one pending invitation per address" hold under
concurrency, and two leads cannot remove each other at the same moment.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from listings.access import is_operator, is_operator_account, may_manage_team
from listings.emails import templated_message
from listings.models import Company, Invitation, Recruiter
from listings.services import RECRUITERS_GROUP, recruiter_create
from outbox.kinds import Kind
from outbox.services import email_enqueue, emails_cancel

TOKEN_SALT = "listings.team.invitation"  # noqa: S105 - a salt, not a secret
MAX_TOKEN_LENGTH = 200  # ours are about 90 characters: refuse longer before any crypto
# 22 characters (the column holds 64)
NONCE_BYTES = 16
EMAIL_MAX_LENGTH = 254  # RFC 5321; the model's EmailField


class InvitationProblem(Exception):
    """The link cannot be used. `reason` is what the page tells the visitor."""

    INVALID = "invalid"  # tampered, cut short or unknown: 404
    EXPIRED = "expired"  # 410 from here on: the link was real
    REVOKED = "revoked"
    USED = "used"

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation

    @property
    def status(self) -> int:
        return 404 if self.reason == self.INVALID else 410


class AccountExists(Exception):
    """The invited address already belongs to an account (a candidate, an operator, a
    former recruiter): one person, one account, so joining is refused."""


# --------------------------------------------------------------------------- reads


def valid_for() -> timedelta:
    return timedelta(days=settings.TEAM_INVITATION_VALID_DAYS)


def pending_q(prefix: str = "") -> Q:
    """The condition "pending": neither accepted nor revoked, and not expired."""
    return Q(
        **{
            f"{prefix}accepted_at": None,
            f"{prefix}revoked_at": None,
            f"{prefix}expires_at__gt": Now(),
        }
    )


def normalize_email(email: str) -> str:
    """Addresses are kept lower-cased, as django-allauth keeps and looks them up."""
    return (email or "").strip().lower()


def team_recruiters(user) -> QuerySet[Recruiter]:
    """Recruiters `user` may see: every one for operators, their company's for recruiters."""
    return Recruiter.objects.filter(company__in=Company.objects.for_recruiter(user))


def team_invitations(user) -> QuerySet[Invitation]:
    """Invitations `user` may see: every one for operators, their company's for recruiters."""
    return Invitation.objects.filter(company__in=Company.objects.for_recruiter(user))


def pending_invitations(company: Company) -> QuerySet[Invitation]:
    """The company's invitations that can still be accepted, newest first."""
    return company.invitations.filter(pending_q())


def account_exists(email: str) -> bool:
    """Whether any account (user or a django-allauth address) already has this address."""
    from allauth.account.models import EmailAddress

    email = normalize_email(email)
    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


# --------------------------------------------------------------------------- links and email


def invitation_token(invitation: Invitation) -> str:
    """The signed, timestamped secret of the invitation's link."""
    return signing.dumps([invitation.pk, invitation.nonce], salt=TOKEN_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("listings:team-join", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link stands for, if it can still be accepted; else InvitationProblem
    (INVALID for anything not made by us or for a row that is gone)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvitationProblem(InvitationProblem.INVALID)
    expired = False
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=valid_for())
    except signing.SignatureExpired:
        expired = True  # the signature is ours, only too old: say so rather than "invalid"
        try:
            payload = signing.loads(token, salt=TOKEN_SALT)
        except (signing.BadSignature, ValueError, UnicodeError):
            raise InvitationProblem(InvitationProblem.INVALID) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise InvitationProblem(InvitationProblem.INVALID) from None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and type(payload[0]) is int
        and isinstance(payload[1], str)
    ):
        raise InvitationProblem(InvitationProblem.INVALID)
    pk, nonce = payload
    invitation = Invitation.objects.select_related("company", "invited_by").filter(pk=pk).first()
    if invitation is None or not constant_time_compare(invitation.nonce, nonce):
        raise InvitationProblem(InvitationProblem.INVALID)
    problem = _problem_of(invitation, expired=expired)
    if problem:
        raise InvitationProblem(problem, invitation)
    return invitation


def _problem_of(invitation: Invitation, *, expired: bool = False) -> str | None:
    if invitation.accepted_at is not None:
        return InvitationProblem.USED
    if invitation.revoked_at is not None:
        return InvitationProblem.REVOKED
    if expired or invitation.expires_at <= timezone.now():
        return InvitationProblem.EXPIRED
    return None


def inviter_name(invitation: Invitation) -> str:
    """Who the invitation is from, as the email and the page name them."""
    inviter = invitation.invited_by
    if inviter is None or is_operator_account(inviter):
        return f"The {settings.SITE_NAME} team"
    return inviter.get_full_name() or inviter.email or inviter.username


def invitation_message(*, invitation: Invitation) -> EmailMultiAlternatives:
    """“<inviter> invited you to recruit for <company>”, with the link to join."""
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "company": invitation.company,
        "inviter_name": inviter_name(invitation),
        "join_url": invitation_url(invitation),
        "valid_days": settings.TEAM_INVITATION_VALID_DAYS,
        "expires_at": invitation.expires_at,
    }
    subject = (
        f"{context['inviter_name']} invited you to recruit for {invitation.company.name} "
        f"on {settings.SITE_NAME}"
    )
    # a colleague's question about the invitation goes to the colleague
    reply_to = (
        [inviter.email] if inviter and inviter.email and not is_operator_account(inviter) else []
    )
    return templated_message(
        subject=subject,
        template="team_invitation",
        context=context,
        to=[invitation.email],
        reply_to=reply_to,
    )


def _topic(invitation_id: int) -> str:
    return f"invitation:{invitation_id}"


# --------------------------------------------------------------------------- workflows


def _lock_company(company_id: int) -> Company:
    # NO KEY UPDATE: postings of the company (their foreign key's KEY SHARE lock) are
    # still written meanwhile; only other team changes of this company wait.
    return Company.objects.select_for_update(no_key=True).get(pk=company_id)


def _require_manager(user, company: Company) -> None:
    if not may_manage_team(user, company):
        raise PermissionDenied("Only the company's lead recruiters and operators manage its team.")


@transaction.atomic
def invitation_create(*, company: Company, email: str, by) -> Invitation:
    """Invite `email` to join `company`'s recruiters and put the email in the outbox.

    `by` must be an active lead recruiter of the company or an operator
    (PermissionDenied). Refused (ValidationError): a malformed address, one that is
    already a recruiter's (of this or any company), and more than
    TEAM_INVITATIONS_PER_DAY invitations into the company in 24 hours (operators are not
    limited). Inviting an
    address that has a pending invitation replaces it: the old link stops working and
    its email, if still unsent, is cancelled.
    """
    email = normalize_email(email)
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError("This address is too long for an email address.", code="invalid")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError("Enter a valid email address.", code="invalid") from None
    company = _lock_company(company.pk)
    _require_manager(by, company)
    member = Recruiter.objects.filter(user__email__iexact=email).first()
    if member is not None and member.company_id == company.pk:
        raise ValidationError(
            f"{email} is already one of {company.name}'s recruiters.", code="member"
        )
    if member is not None:  # which company is not said
        raise ValidationError(
            f"{email} already recruits for another company on {settings.SITE_NAME}. "
            "A person recruits for one company; ask the operators if they are moving to yours.",
            code="elsewhere",
        )
    if not is_operator(by):
        sent = company.invitations.filter(created_at__gt=timezone.now() - timedelta(days=1))
        if sent.count() >= settings.TEAM_INVITATIONS_PER_DAY:
            raise ValidationError(
                f"{company.name} has sent {settings.TEAM_INVITATIONS_PER_DAY} invitations in "
                "the last 24 hours, the most we send in a day. Try again tomorrow, or ask "
                "the operators.",
                code="limit",
            )
    replaced = list(
        company.invitations.filter(pending_q(), email=email).values_list("pk", flat=True)
    )
    if replaced:
        Invitation.objects.filter(pk__in=replaced).update(revoked_at=Now())
        for pk in replaced:
            emails_cancel(topic=_topic(pk))
    now = timezone.now()
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        invited_by=by,
        nonce=secrets.token_urlsafe(NONCE_BYTES),
        created_at=now,
        expires_at=now + valid_for(),
    )
    email_enqueue(
        kind=Kind.INVITATION,
        key=f"invitation:{invitation.pk}",
        topic=_topic(invitation.pk),
        message=invitation_message(invitation=invitation),
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> bool:
    """Withdraw a pending invitation (lead recruiters of its company, operators): its link
    stops working and its email, if still unsent, is cancelled. False if it had already
    been accepted or revoked."""
    company = _lock_company(invitation.company_id)
    _require_manager(by, company)
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        revoked_at=Now()
    )
    if revoked:
        emails_cancel(topic=_topic(invitation.pk))
    return bool(revoked)


def split_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name) whose get_full_name() gives the name back as typed."""
    name = " ".join(full_name.split())
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (last, "")


def _username_for(email: str) -> str:
    users = get_user_model().objects
    if len(email) <= 150 and not users.filter(username__iexact=email).exists():
        return email
    # the admin's sign-in takes the address too (django-allauth's backend)
    return f"{email[:140]}-{secrets.token_hex(4)}"


def invitation_accept(*, invitation: Invitation, password: str, full_name: str):
    """Join the company: a staff user in the Recruiters group with this password, and its
    Recruiter row. Returns the user.

    The invitation is taken by one conditional UPDATE (not accepted, not revoked, not
    expired); its row count decides, so of two concurrent acceptances one joins and the
    other gets InvitationProblem(USED). AccountExists if the address already has an
    account (nothing changes: the invitation stays pending). The password must satisfy
    AUTH_PASSWORD_VALIDATORS (ValidationError).
    """
    email = invitation.email
    first_name, last_name = split_name(full_name)
    if not (first_name or last_name):
        raise ValidationError("Give your name.", code="required")
    User = get_user_model()
    password_validation.validate_password(
        password, User(username=email, email=email, first_name=first_name, last_name=last_name)
    )
    try:
        with transaction.atomic():
            taken = Invitation.objects.filter(
                pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=Now()
            ).update(accepted_at=Now())
            if not taken:
                fresh = Invitation.objects.filter(pk=invitation.pk).first()
                problem = _problem_of(fresh) if fresh else InvitationProblem.INVALID
                # pending by our clock but not by the database's: it has just expired
                raise InvitationProblem(problem or InvitationProblem.EXPIRED, fresh)
            if account_exists(email):
                raise AccountExists(email)
            user = recruiter_create(
                username=_username_for(email),
                email=email,
                password=password,
                company=invitation.company,
            )
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
            Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    except IntegrityError as exc:  # an account made for this address at the same moment
        raise AccountExists(email) from exc
    invitation.refresh_from_db()
    return user


def other_leads(recruiter: Recruiter) -> bool:
    """Whether the recruiter's company has a lead recruiter besides them."""
    return (
        Recruiter.objects.filter(company_id=recruiter.company_id, is_lead=True)
        .exclude(pk=recruiter.pk)
        .exists()
    )


@transaction.atomic
def recruiter_remove(*, recruiter: Recruiter, by) -> bool:
    """Take a recruiter off their company (its lead recruiters, operators).

    The person's Recruiter row goes, with their staff status and the Recruiters group,
    so no admin URL opens for them any more; their password is made unusable, which
    ends every session they have; the invitations they sent that are still pending are
    revoked. Their postings stay with the company. A lead cannot remove themselves
    while no other lead remains (ValidationError). False if they had already been
    removed. Operators' accounts keep their staff status.
    """
    company = _lock_company(recruiter.company_id)
    _require_manager(by, company)
    recruiter = (
        Recruiter.objects.select_related("user").filter(pk=recruiter.pk, company=company).first()
    )
    if recruiter is None:
        return False
    user = recruiter.user
    if user.pk == by.pk and recruiter.is_lead and not other_leads(recruiter):
        raise ValidationError(
            f"You are {company.name}'s only lead recruiter. Make a colleague lead first, "
            "or ask the operators.",
            code="last_lead",
        )
    recruiter.delete()
    # what they sent in the company's name goes with them (say, to an address of their own)
    sent = list(
        company.invitations.filter(pending_q(), invited_by=user).values_list("pk", flat=True)
    )
    if sent:
        Invitation.objects.filter(pk__in=sent).update(revoked_at=Now())
        for pk in sent:
            emails_cancel(topic=_topic(pk))
    user.groups.remove(Group.objects.get(name=RECRUITERS_GROUP))
    if not is_operator_account(user):
        user.is_staff = False
        user.set_unusable_password()
        user.save(update_fields=["is_staff", "password"])
    return True


@transaction.atomic
def recruiter_set_lead(*, recruiter: Recruiter, is_lead: bool, by) -> Recruiter:
    """Make a recruiter a lead (who invites and removes colleagues), or no longer one
    (the company's lead recruiters, operators). A lead cannot step down while no other
    lead remains (ValidationError)."""
    company = _lock_company(recruiter.company_id)
    _require_manager(by, company)
    recruiter = (
        Recruiter.objects.select_related("user").filter(pk=recruiter.pk, company=company).first()
    )
    if recruiter is None:
        raise ValidationError("They are no longer one of the company's recruiters.", code="gone")
    if recruiter.is_lead == is_lead:
        return recruiter
    if not is_lead and recruiter.user_id == by.pk and not other_leads(recruiter):
        raise ValidationError(
            f"You are {company.name}'s only lead recruiter. Make a colleague lead first.",
            code="last_lead",
        )
    recruiter.is_lead = is_lead
    recruiter.save(update_fields=["is_lead"])
    return recruiter
