"""Candidate workflows that cross models, apps or the outside world."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.choices import ResumeKind
from candidates.emails import application_received_message
from candidates.models import Application, Profile, SavedPosting
from candidates.signals import account_deleting
from candidates.storage import private_storage, random_resume_name
from candidates.validators import detect_resume_kind
from listings.models import Listing
from outbox.kinds import Kind
from outbox.services import email_enqueue, emails_forget

logger = logging.getLogger(__name__)


def profile_for(user) -> Profile:
    """The candidate's profile, created empty on first use."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def _delete_files_on_commit(names: list[str]) -> None:
    names = [n for n in names if n]
    if not names:
        return

    def delete() -> None:
        storage = private_storage()
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("could not delete private file %s", name)

    transaction.on_commit(delete)


# ------------------------------------------------------------------ résumé


def resume_replace(*, profile: Profile, upload) -> Profile:
    """Check `upload` by its content and make it the profile's résumé (the old file goes).

    Raises ValidationError when the content is not an acceptable PDF or DOCX."""
    kind = detect_resume_kind(upload, upload.size)
    upload.seek(0)
    old_name = profile.resume.name
    original = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    with transaction.atomic():
        profile.resume.save(random_resume_name(kind), File(upload), save=False)
        profile.resume_kind = kind
        profile.resume_original_name = original[:150]
        profile.resume_uploaded_at = timezone.now()
        profile.save(
            update_fields=[
                "resume",
                "resume_kind",
                "resume_original_name",
                "resume_uploaded_at",
                "updated_at",
            ]
        )
        if old_name and old_name != profile.resume.name:
            _delete_files_on_commit([old_name])
    return profile


def resume_remove(*, profile: Profile) -> None:
    """Forget the profile's résumé and delete its file (copies sent with applications stay)."""
    if not profile.resume:
        return
    name = profile.resume.name
    with transaction.atomic():
        profile.resume = ""
        profile.resume_kind = ""
        profile.resume_original_name = ""
        profile.resume_uploaded_at = None
        profile.save(
            update_fields=[
                "resume",
                "resume_kind",
                "resume_original_name",
                "resume_uploaded_at",
                "updated_at",
            ]
        )
        _delete_files_on_commit([name])


# ------------------------------------------------------------------ saved postings


def posting_save(*, user, listing: Listing) -> bool:
    """Save `listing` for `user`; True if newly saved. Saving twice changes nothing."""
    _, created = SavedPosting.objects.get_or_create(user=user, listing=listing)
    return created


def posting_unsave(*, user, listing: Listing) -> bool:
    """Remove `listing` from the user's saved postings; True if it was there."""
    deleted, _ = SavedPosting.objects.filter(user=user, listing=listing).delete()
    return bool(deleted)


# ------------------------------------------------------------------ applications


class ApplyError(Exception):
    """Why an application cannot be made; the message is shown to the candidate."""


class AlreadyApplied(ApplyError):
    def __init__(self, application: Application):
        self.application = application
        super().__init__(
            f"You applied to this role on {application.created_at:%-d %B %Y}; "
            "one application per role."
        )


def _profile_snapshot(profile: Profile) -> dict:
    return {
        "headline": profile.headline,
        "current_title": profile.current_title,
        "current_level": profile.get_current_level_display() if profile.current_level else "",
        "leadership_years": profile.leadership_years,
        "largest_team": profile.largest_team,
        "largest_budget": profile.largest_budget,
        "budget_currency": profile.budget_currency,
        "kpis_moved": profile.kpi_rows,
        "industries": list(profile.industries),
        "skills": [str(s) for s in profile.skills],
        "technologies": list(profile.technologies),
        "summary": profile.summary,
    }


@dataclass
class _ResumeCopy:
    name: str = ""
    kind: str = ""


def _copy_resume(profile: Profile) -> _ResumeCopy:
    """A copy of the current résumé under a new random name: later edits leave it alone."""
    if not profile.resume:
        return _ResumeCopy()
    storage = private_storage()
    kind = profile.resume_kind or ResumeKind.PDF
    with storage.open(profile.resume.name, "rb") as source:
        name = storage.save(random_resume_name(kind), source)
    return _ResumeCopy(name=name, kind=kind)


def application_submit(*, user, listing: Listing, cover_note: str = "") -> Application:
    """Apply to an in-app posting with the user's profile as it is now.

    Takes the name, email, a summary of the profile and a copy of the résumé; one
    application per candidate and posting (the database enforces it). Recruiters are
    told by an email put in the outbox in the same transaction."""
    if not listing.is_live:
        raise ApplyError("This role is no longer open for applications.")
    if not listing.requires_in_app_apply:
        raise ApplyError("This role takes applications on the employer's own channel.")
    existing = Application.objects.filter(candidate=user, listing=listing).first()
    if existing:
        raise AlreadyApplied(existing)
    profile = profile_for(user)
    missing = profile.missing_for_application()
    if missing:
        raise ApplyError("Before applying, add " + ", ".join(missing) + " to your profile.")

    copy = _copy_resume(profile)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                candidate=user,
                listing=listing,
                candidate_name=profile.full_name.strip(),
                candidate_email=user.email,
                cover_note=cover_note.strip(),
                profile_snapshot=_profile_snapshot(profile),
                resume=copy.name,
                resume_kind=copy.kind,
            )
            _queue_notification(application)
    except IntegrityError:
        # a second request raced this one: keep the first, drop our copy
        if copy.name:
            private_storage().delete(copy.name)
        existing = Application.objects.filter(candidate=user, listing=listing).first()
        if existing:
            raise AlreadyApplied(existing) from None
        raise
    return application


def applications_notify_pending() -> int:
    """Queue the recruiters' email of recent applications that have none (beat)."""
    queued = 0
    pending = Application.objects.recruiters_not_told(timezone.now())
    for pk in pending.order_by("created_at").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            application = (
                Application.objects.select_for_update()
                .select_related("listing", "listing__company")
                .filter(pk=pk, recruiters_notified_at=None)
                .first()
            )
            if application is not None:
                queued += _queue_notification(application)
    return queued


def _queue_notification(application: Application) -> bool:
    """The recruiters' "new application" email, in the outbox (in the caller's transaction)."""
    message = application_received_message(application)
    if message is None:
        return False
    email_enqueue(
        kind=Kind.APPLICATION_RECEIVED,
        key=f"application_received:{application.pk}",
        message=message,
    )
    application.recruiters_notified_at = timezone.now()
    application.save(update_fields=["recruiters_notified_at"])
    return True


# ------------------------------------------------------------------ account


def account_delete(*, user) -> None:
    """Delete a candidate's account: profile, résumé files (including the copies sent
    with applications), saved postings, alert subscriptions and the user itself.

    Applications already sent stay with the recruiters, with the name, email, cover
    note and profile summary that were sent, but without the résumé copy."""
    emails = {user.email.lower()} if user.email else set()
    try:
        from allauth.account.models import EmailAddress

        emails |= {
            e.lower()
            for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        }
    except LookupError:  # pragma: no cover - allauth is installed
        pass
    with transaction.atomic():
        files = []
        profile = Profile.objects.filter(user=user).first()
        if profile and profile.resume:
            files.append(profile.resume.name)
        sent = Application.objects.select_for_update().filter(candidate=user)
        files.extend(name for name in sent.values_list("resume", flat=True) if name)
        sent.update(candidate=None, resume="", resume_kind="")
        # other apps (alerts) remove what they keep for this person
        account_deleting.send(sender=type(user), user=user, emails=sorted(emails))
        emails_forget(addresses=sorted(emails))  # account emails waiting or sent
        SavedPosting.objects.filter(user=user).delete()
        Profile.objects.filter(user=user).delete()
        user.delete()
        _delete_files_on_commit(files)
