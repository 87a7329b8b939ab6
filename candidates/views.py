"""The candidate's pages under /me/, saving and applying, and the résumé downloads.

Every object is looked up through a queryset that already says who may see it, so
someone else's id in a URL gives a 404, never a 403 that confirms it exists."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from candidates import services
from candidates.forms import ApplyForm, DeleteAccountForm, ProfileForm, ResumeForm
from candidates.matching import match_for
from candidates.models import Application, Profile, SavedPosting
from candidates.storage import private_storage
from candidates.uploads import MaxSizeUploadHandler
from listings.models import Listing


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would take a bare word ("0") for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# ------------------------------------------------------------------ profile


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = services.profile_for(request.user)
    applications = Application.objects.of(request.user).with_listing()[:5]
    saved_count = SavedPosting.objects.of(request.user).count()
    return render(
        request,
        "candidates/dashboard.html",
        {
            "profile": profile,
            "applications": applications,
            "saved_count": saved_count,
            "completeness": profile.completeness(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = services.profile_for(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            if not profile.has_resume:
                return redirect("candidates:resume")
            return redirect("candidates:dashboard")
        messages.error(request, "Some answers need another look; see the notes below.")
    else:
        form = ProfileForm(instance=profile)
    return render(request, "candidates/profile_form.html", {"form": form, "profile": profile})


# ------------------------------------------------------------------ résumé


@csrf_exempt  # the upload handler must be in place before CSRF reads the body
def resume(request: HttpRequest) -> HttpResponse:
    handler = MaxSizeUploadHandler(settings.RESUME_MAX_BYTES, request)
    request.upload_handlers.insert(0, handler)
    return _resume(request, handler)


@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def _resume(request: HttpRequest, handler: MaxSizeUploadHandler) -> HttpResponse:
    profile = services.profile_for(request.user)
    if request.method == "POST":
        form = ResumeForm(
            request.POST, request.FILES, oversized="resume" in handler.oversized_fields
        )
        if form.is_valid():
            try:
                services.resume_replace(profile=profile, upload=form.cleaned_data["resume"])
            except ValidationError as exc:
                form.add_error("resume", exc)
            else:
                messages.success(request, "Your résumé is uploaded.")
                return redirect("candidates:dashboard")
    else:
        form = ResumeForm()
    return render(request, "candidates/resume.html", {"form": form, "profile": profile})


@login_required
@require_POST
def resume_delete(request: HttpRequest) -> HttpResponse:
    profile = services.profile_for(request.user)
    services.resume_remove(profile=profile)
    messages.success(request, "Your résumé is deleted.")
    return redirect("candidates:dashboard")


def _download_name(person: str, kind: str) -> str:
    return f"{slugify(person)[:60] or 'candidate'}-resume.{kind or 'pdf'}"


def _serve_private(name: str, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = private_storage().open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404("No such file") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def resume_download(request: HttpRequest) -> HttpResponse:
    """The signed-in candidate's own current résumé."""
    profile = Profile.objects.filter(user=request.user).first()
    if profile is None or not profile.resume:
        raise Http404("No résumé")
    return _serve_private(
        profile.resume.name,
        filename=_download_name(profile.display_name, profile.resume_kind),
        content_type=profile.resume_content_type,
    )


def profile_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate's current résumé: for them, operators, and recruiters of companies
    they applied to; 404 for everyone else, signed in or not."""
    profile = get_object_or_404(Profile.objects.resume_readable_by(request.user), pk=pk)
    if not profile.resume:
        raise Http404("No résumé")
    return _serve_private(
        profile.resume.name,
        filename=_download_name(profile.display_name, profile.resume_kind),
        content_type=profile.resume_content_type,
    )


def application_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """The résumé copy sent with an application: for the candidate, the posting
    company's recruiters and operators; 404 for everyone else."""
    application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    if not application.resume:
        raise Http404("No résumé")
    return _serve_private(
        application.resume.name,
        filename=_download_name(application.candidate_name, application.resume_kind),
        content_type=application.resume_content_type,
    )


# ------------------------------------------------------------------ saved postings


@login_required
def saved(request: HttpRequest) -> HttpResponse:
    rows = (
        SavedPosting.objects.of(request.user)
        .select_related("listing", "listing__company", "listing__company__industry")
        .order_by("-created_at", "-id")
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "candidates/saved.html", {"page_obj": page})


def _listing_for_action(slug: str) -> Listing:
    # Saving works on anything a visitor could have seen; unsaving on anything.
    return get_object_or_404(Listing.objects.with_company(), slug=slug)


@require_http_methods(["GET", "POST"])
def save_posting(request: HttpRequest, slug: str) -> HttpResponse:
    listing = get_object_or_404(Listing.objects.live(), slug=slug)
    back = _next_url(request, listing.get_absolute_url())
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if request.method == "POST" and services.posting_save(user=request.user, listing=listing):
        messages.success(request, f"Saved “{listing.title}”.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def unsave_posting(request: HttpRequest, slug: str) -> HttpResponse:
    listing = _listing_for_action(slug)
    fallback = listing.get_absolute_url() if listing.is_live else reverse("candidates:saved")
    back = _next_url(request, fallback)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if request.method == "POST" and services.posting_unsave(user=request.user, listing=listing):
        messages.success(request, f"Removed “{listing.title}” from your saved roles.")
    return redirect(back)


# ------------------------------------------------------------------ applications


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    listing = get_object_or_404(Listing.objects.live().with_company(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("candidates:apply", kwargs={"slug": slug}))
    if not listing.requires_in_app_apply:
        messages.info(request, "This role takes applications on the employer's own channel.")
        return redirect(listing)
    existing = Application.objects.of(request.user).filter(listing=listing).first()
    if existing:
        messages.info(request, f"You applied to this role on {existing.created_at:%-d %B %Y}.")
        return redirect(existing)
    profile = services.profile_for(request.user)
    missing = profile.missing_for_application()
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not missing and form.is_valid():
        try:
            application = services.application_submit(
                user=request.user, listing=listing, cover_note=form.cleaned_data["cover_note"]
            )
        except services.AlreadyApplied as exc:
            messages.info(request, str(exc))
            return redirect(exc.application)
        except services.ApplyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Your application to {listing.hirer.byline} is sent. You can follow it here.",
            )
            return redirect(application)
    return render(
        request,
        "candidates/apply.html",
        {
            "listing": listing,
            "profile": profile,
            "missing": missing,
            "form": form,
            "match": match_for(profile, listing),
        },
    )


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    rows = Application.objects.of(request.user).with_listing()
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "candidates/applications.html", {"page_obj": page})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.of(request.user).with_listing(), pk=pk)
    return render(request, "candidates/application_detail.html", {"application": application})


# ------------------------------------------------------------------ account


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "candidates/account.html", {})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for using the site.")
        return redirect("/")
    sent = Application.objects.of(request.user).count()
    return render(request, "candidates/account_delete.html", {"form": form, "sent": sent})
