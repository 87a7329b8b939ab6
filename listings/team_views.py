"""The invited colleague's page: /team/join/<token>/.

GET shows whom the invitation is from and a form; only the POST (with its CSRF token)
accepts it, because mail scanners follow links. A link that is tampered with, cut short
or unknown answers 404; one that expired, was withdrawn or was used answers 410; an
address that already has an account answers 409 (a person has one account, and a
recruiter's is staff: the operators move an existing one). Each says what to do next
and names no other company.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from listings import team
from listings.team_forms import JoinForm

# The admin signs in with Django's own backend; the session must name one.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _problem(request: HttpRequest, reason: str, status: int, invitation=None) -> HttpResponse:
    context = {"reason": reason, "invitation": invitation}
    return render(request, "listings/team/problem.html", context, status=status)


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Set a name and password and join the inviting company's recruiters."""
    try:
        invitation = team.invitation_from_token(token)
    except team.InvitationProblem as problem:
        return _problem(request, problem.reason, problem.status, problem.invitation)
    if team.account_exists(invitation.email):
        return _problem(request, "account", 409, invitation)

    form = JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = team.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except team.InvitationProblem as problem:
            return _problem(request, problem.reason, problem.status, problem.invitation)
        except team.AccountExists:
            return _problem(request, "account", 409, invitation)
        except ValidationError as exc:  # the service's own checks, should the form miss one
            form.add_error(None, exc)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                f"Welcome to {invitation.company.name}'s recruiters. You sign in here with "
                f"{user.email} and the password you chose.",
            )
            return redirect("admin:index")
    context = {
        "form": form,
        "invitation": invitation,
        "company": invitation.company,
        "inviter_name": team.inviter_name(invitation),
        "valid_days": settings.TEAM_INVITATION_VALID_DAYS,
    }
    status = 400 if form.is_bound else 200
    return render(request, "listings/team/join.html", context, status=status)
