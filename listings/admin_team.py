"""The admin's Team page: who recruits for a company, and its pending invitations.

`/admin/listings/invitation/` is the Team page ("Team" in the admin's menu). A
recruiter sees their own company's team; an operator sees the list of companies and
any company's team (`?company=<id>`). Lead recruiters and operators act on it:
invite (`invite/`), revoke (`<id>/revoke/`), and, as URLs of the Recruiter admin,
remove (`/admin/listings/recruiter/<id>/remove/`) and name leads (`…/<id>/lead/`).

Every URL first looks its object up among those the user may see, answering 404
otherwise, exactly as for an id that does not exist; then it checks that the user may
act (403 for a colleague who is not a lead). The services (listings/team.py) check
both again. A forged company id in a POST is looked up the same way.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from listings import access, team
from listings.models import Company, Invitation, Recruiter
from listings.team_forms import InviteForm

MENU_NAME = "Team"
COMPANIES_PER_PAGE = 100


def team_url(company: Company | None = None) -> str:
    """The Team page (of `company`, for an operator choosing among companies)."""
    url = reverse("admin:listings_invitation_changelist")
    return f"{url}?{urlencode({'company': company.pk})}" if company else url


def _pk_or_404(value) -> int:
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    if pk <= 0:
        raise Http404("Not found.")
    return pk


def _company_or_404(request: HttpRequest, company_id) -> Company:
    company = Company.objects.for_recruiter(request.user).filter(pk=_pk_or_404(company_id)).first()
    if company is None:
        raise Http404("Not found.")
    return company


def _require_manager(request: HttpRequest, company: Company) -> None:
    if not access.for_request(request).may_manage_team(company):
        raise PermissionDenied("Only the company's lead recruiters manage its team.")


def _person(recruiter: Recruiter) -> str:
    user = recruiter.user
    return user.get_full_name() or user.email or user.username


def _only_post(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _get_or_post(request: HttpRequest) -> HttpResponse | None:
    return None if request.method in ("GET", "POST") else HttpResponseNotAllowed(["GET", "POST"])


# --------------------------------------------------------------------------- invitations


@admin.register(Invitation)
class InvitationAdmin(access.ReadOnly, admin.ModelAdmin):
    """The Team page, and a read-only record of each invitation."""

    fields = [
        "company",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin_team.css"]}

    def get_queryset(self, request):
        return team.team_invitations(request.user).select_related(
            "company", "invited_by", "accepted_by"
        )

    # invitations are made, revoked and accepted through the Team page and the link only
    def has_module_permission(self, request):
        return access.for_request(request).is_manager

    def has_view_permission(self, request, obj=None):
        who = access.for_request(request)
        return who.is_manager if obj is None else who.may_manage_company(obj.company_id)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("invite/", wrap(self.invite_view), name="listings_invitation_invite"),
            path(
                "<path:object_id>/revoke/",
                wrap(self.revoke_view),
                name="listings_invitation_revoke",
            ),
            *super().get_urls(),
        ]

    def context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "media": self.media,
            "is_operator": access.is_operator(request.user),
            **extra,
        }

    # ------------------------------------------------------------------ pages

    def changelist_view(self, request, extra_context=None):
        who = access.for_request(request)
        if not who.is_manager:
            raise PermissionDenied
        company_id = request.GET.get("company")
        if company_id is None and who.is_operator:
            return self.companies_view(request)
        company = who.company if company_id is None else None
        company = company or _company_or_404(request, company_id)
        return self.team_response(request, company, InviteForm())

    def companies_view(self, request: HttpRequest) -> HttpResponse:
        """Operators: every company, with the size of its team."""
        query = request.GET.get("q", "").strip()[:100]
        companies = Company.objects.order_by("name", "pk").annotate(
            recruiter_count=Count("recruiters", distinct=True),
            lead_count=Count("recruiters", filter=Q(recruiters__is_lead=True), distinct=True),
            pending_count=Count(
                "invitations", filter=team.pending_q("invitations__"), distinct=True
            ),
        )
        if query:
            companies = companies.filter(name__icontains=query)
        page = Paginator(companies, COMPANIES_PER_PAGE).get_page(request.GET.get("p"))
        context = self.context(request, title="Teams", page=page, query=query)
        return TemplateResponse(request, "admin/listings/invitation/companies.html", context)

    def team_response(
        self, request: HttpRequest, company: Company, form: InviteForm, status: int = 200
    ) -> HttpResponse:
        me = request.user
        recruiters = list(
            company.recruiters.select_related("user").order_by(
                "-is_lead", "user__first_name", "user__last_name", "user__username"
            )
        )
        leads = [r for r in recruiters if r.is_lead]
        can_manage = access.for_request(request).may_manage_team(company)
        rows = []
        for recruiter in recruiters:
            is_me = recruiter.user_id == me.pk
            # the last lead does not remove themselves, nor step down: someone must lead
            stays = is_me and recruiter.is_lead and len(leads) == 1
            rows.append(
                {
                    "recruiter": recruiter,
                    "name": _person(recruiter),
                    "is_me": is_me,
                    "can_act": can_manage and not stays,
                    "remove_url": reverse("admin:listings_recruiter_remove", args=[recruiter.pk]),
                    "lead_url": reverse("admin:listings_recruiter_lead", args=[recruiter.pk]),
                }
            )
        pending = [
            {
                "invitation": invitation,
                "inviter": team.inviter_name(invitation),
                "revoke_url": reverse("admin:listings_invitation_revoke", args=[invitation.pk]),
            }
            for invitation in team.pending_invitations(company).select_related("invited_by")
        ]
        context = self.context(
            request,
            title=f"Team: {company.name}",
            company=company,
            rows=rows,
            pending=pending,
            can_manage=can_manage,
            lead_names=[_person(r) for r in leads],
            form=form,
            invite_url=reverse("admin:listings_invitation_invite"),
            valid_days=settings.TEAM_INVITATION_VALID_DAYS,
        )
        return TemplateResponse(
            request, "admin/listings/invitation/team.html", context, status=status
        )

    # ------------------------------------------------------------------ actions

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        if refused := _only_post(request):
            return refused
        company = _company_or_404(request, request.POST.get("company"))
        _require_manager(request, company)
        form = InviteForm(request.POST)
        if form.is_valid():
            email = team.normalize_email(form.cleaned_data["email"])
            again = team.pending_invitations(company).filter(email=email).exists()
            try:
                invitation = team.invitation_create(company=company, email=email, by=request.user)
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                self.log_change(request, company, f"Invited {invitation.email} to the team.")
                replaced = (
                    " It replaces the earlier one, whose link no longer works." if again else ""
                )
                self.message_user(
                    request,
                    f"An invitation is on its way to {invitation.email}.{replaced} The link "
                    f"works once, for {settings.TEAM_INVITATION_VALID_DAYS} days.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(team_url(company))
        return self.team_response(request, company, form, status=400)

    def revoke_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if refused := _get_or_post(request):
            return refused
        invitation = self.get_queryset(request).filter(pk=_pk_or_404(object_id)).first()
        if invitation is None:
            raise Http404("Not found.")
        company = invitation.company
        _require_manager(request, company)
        if request.method == "POST":
            if team.invitation_revoke(invitation=invitation, by=request.user):
                self.log_change(request, company, f"Revoked the invitation of {invitation.email}.")
                self.message_user(
                    request,
                    f"The invitation of {invitation.email} is withdrawn: its link no longer works.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"The invitation of {invitation.email} had already been used or withdrawn.",
                    messages.WARNING,
                )
            return HttpResponseRedirect(team_url(company))
        if invitation.is_pending:
            message = (
                f"The link sent to {invitation.email} stops working at once. "
                "You can invite the address again later."
            )
        else:
            message = "This invitation was used, withdrawn or has expired: nothing to withdraw."
        context = self.context(
            request,
            title=f"Withdraw the invitation of {invitation.email}?",
            company=company,
            message=message,
            action_url=request.path,
            button="Withdraw the invitation" if invitation.is_pending else None,
            danger=True,
            fields={},
        )
        return TemplateResponse(request, "admin/listings/invitation/confirm.html", context)


# --------------------------------------------------------------------------- recruiters


class RecruiterTeamActions:
    """The Team page's Remove and lead buttons, as URLs of the Recruiter admin.

    Open to every recruiter of the recruiter's company and to operators (the views
    check who may act), although the rest of the Recruiter admin is the operators'.
    Deleting a Recruiter there removes the person the same way (team.recruiter_remove).
    """

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/remove/",
                wrap(self.remove_view),
                name="listings_recruiter_remove",
            ),
            path("<path:object_id>/lead/", wrap(self.lead_view), name="listings_recruiter_lead"),
            *super().get_urls(),
        ]

    def delete_model(self, request, obj):
        team.recruiter_remove(recruiter=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for recruiter in queryset.select_related("user"):
            team.recruiter_remove(recruiter=recruiter, by=request.user)

    def _team_context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": Invitation._meta,
            "is_operator": access.is_operator(request.user),
            **extra,
        }

    def _recruiter_or_404(self, request: HttpRequest, object_id: str) -> Recruiter:
        recruiter = (
            team.team_recruiters(request.user)
            .select_related("user", "company")
            .filter(pk=_pk_or_404(object_id))
            .first()
        )
        if recruiter is None:
            raise Http404("Not found.")
        return recruiter

    def remove_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if refused := _get_or_post(request):
            return refused
        recruiter = self._recruiter_or_404(request, object_id)
        company = recruiter.company
        _require_manager(request, company)
        name, is_me = _person(recruiter), recruiter.user_id == request.user.pk
        if request.method == "POST":
            try:
                team.recruiter_remove(recruiter=recruiter, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(team_url(company))
            self.log_change(request, company, f"Removed {name} from the team.")
            if is_me:  # signed out everywhere, this browser too
                return HttpResponseRedirect("/")
            self.message_user(
                request,
                f"{name} no longer recruits for {company.name} and is signed out. "
                "The postings they made stay with the company.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(team_url(company))
        last_lead = is_me and recruiter.is_lead and not team.other_leads(recruiter)
        if last_lead:
            message = (
                f"You are {company.name}'s only lead recruiter. Make a colleague lead first, "
                "or ask the operators."
            )
        elif is_me:
            message = (
                "You lose access to the admin at once and are signed out everywhere. "
                f"The postings you made stay with {company.name}."
            )
        else:
            message = (
                f"{name} loses access to the admin at once and is signed out everywhere. "
                f"The postings they made stay with {company.name}."
            )
        context = self._team_context(
            request,
            title=f"Remove {'yourself' if is_me else name} from {company.name}?",
            company=company,
            message=message,
            action_url=request.path,
            button=None if last_lead else "Remove from the team",
            danger=True,
            fields={},
        )
        return TemplateResponse(request, "admin/listings/invitation/confirm.html", context)

    def lead_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if refused := _get_or_post(request):
            return refused
        recruiter = self._recruiter_or_404(request, object_id)
        company = recruiter.company
        _require_manager(request, company)
        name = _person(recruiter)
        if request.method == "POST":
            make_lead = request.POST.get("is_lead") == "1"
            try:
                team.recruiter_set_lead(recruiter=recruiter, is_lead=make_lead, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                done = "is now a lead recruiter" if make_lead else "is no longer a lead recruiter"
                self.log_change(request, company, f"{name} {done}.")
                self.message_user(request, f"{name} {done} of {company.name}.", messages.SUCCESS)
            return HttpResponseRedirect(team_url(company))
        make_lead = not recruiter.is_lead
        last_lead = (
            not make_lead
            and recruiter.user_id == request.user.pk
            and not team.other_leads(recruiter)
        )
        context = self._team_context(
            request,
            title=(
                f"Make {name} a lead recruiter?"
                if make_lead
                else f"{name} no longer a lead recruiter?"
            ),
            company=company,
            message=(
                f"You are {company.name}'s only lead recruiter. Make a colleague lead first."
                if last_lead
                else f"Lead recruiters invite and remove {company.name}'s recruiters, "
                "and name leads."
            ),
            action_url=request.path,
            button=None if last_lead else ("Make lead" if make_lead else "No longer lead"),
            fields={"is_lead": "1" if make_lead else "0"},
        )
        return TemplateResponse(request, "admin/listings/invitation/confirm.html", context)


# --------------------------------------------------------------------------- the menu


def _with_team_name(get_app_list):
    """The admin's menu and index call the invitations' admin "Team": it is that page."""

    @wraps(get_app_list)
    def get_app_list_naming_team(request, app_label=None):
        app_list = get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                if entry.get("model") is Invitation:
                    entry["name"] = MENU_NAME
            app["models"].sort(key=lambda entry: entry["name"])
        return app_list

    return get_app_list_naming_team


admin.site.get_app_list = _with_team_name(admin.site.get_app_list)
