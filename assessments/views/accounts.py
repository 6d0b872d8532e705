"""Organisations: switching between them, members and roles, invitations by email link."""

from __future__ import annotations

import hashlib
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assessments.forms import InvitationForm, InvitedUserForm, RoleForm
from assessments.models import Invitation, Membership, Organisation
from assessments.selectors import (
    invitation_get_by_token,
    invitations_pending,
    members_of,
    organisation_get_for_user,
)
from assessments.services import organisations as services
from assessments.services.answers import shown
from govcheck.throttling import client_address

from .common import remember_organisation

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _owner_only(membership: Membership) -> None:
    if not membership.can_manage:
        raise PermissionDenied("Only owners manage members.")


def _member(organisation: Organisation, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("user").filter(organisation=organisation, pk=pk).first()
    )
    if membership is None:
        raise Http404
    return membership


@login_required
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's organisations the current one."""
    organisation, _membership = organisation_get_for_user(
        user=request.user, slug=request.POST.get("organisation", "")
    )
    remember_organisation(request, organisation)
    return redirect("organisation_dashboard", organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Members and open invitations; owners invite (POST) from here."""
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    remember_organisation(request, organisation)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        _owner_only(membership)
        if form.is_valid():
            _invite(request, organisation, form)
            return redirect("member_list", organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "members": members_of(organisation),
        "invitations": invitations_pending(organisation, now=timezone.now())
        if membership.can_manage
        else [],
        "form": form,
        "role_choices": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "assessments/member_list.html", context)


def _invite(request: HttpRequest, organisation: Organisation, form: InvitationForm) -> None:
    assert isinstance(request.user, User)
    invitation = services.invitation_create(
        organisation=organisation,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
        invited_by=request.user,
    )
    url = request.build_absolute_uri(reverse("invitation_accept", args=[invitation.token]))
    services.invitation_send(invitation=invitation, accept_url=url)
    messages.success(request, f"Invitation sent to {invitation.email}.")


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a member's role (owners only; never the last owner away)."""
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    _owner_only(membership)
    member = _member(organisation, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"'{shown(request.POST.get('role', ''))}' is not a role.")
    else:
        try:
            services.membership_change_role(membership=member, role=form.cleaned_data["role"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"{member.user.get_username()} is now {member.get_role_display().lower()}."
            )
    return redirect("member_list", organisation.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a member (owners only; never the last owner)."""
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    _owner_only(membership)
    member = _member(organisation, pk)
    try:
        services.membership_remove(membership=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("member_list", organisation.slug)
    messages.success(request, f"{member.user.get_username()} was removed.")
    if member.user_id == request.user.pk:
        return redirect("dashboard")
    return redirect("member_list", organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join with the invited role: signed in, in one click; otherwise by creating an account."""
    try:
        invitation = invitation_get_by_token(token=token, now=timezone.now())
    except Http404:
        return render(request, "registration/invitation_invalid.html", status=404)
    form = None if request.user.is_authenticated else InvitedUserForm(request.POST or None)
    someone_else = isinstance(request.user, User) and not services.invitation_is_for(
        invitation=invitation, user=request.user
    )
    if request.method == "POST" and not someone_else and _join(request, invitation, form):
        messages.success(request, f"Welcome to {invitation.organisation.name}.")
        remember_organisation(request, invitation.organisation)
        return redirect("organisation_dashboard", invitation.organisation.slug)
    context = {"invitation": invitation, "form": form, "someone_else": someone_else}
    status = HTTPStatus.FORBIDDEN if someone_else and request.method == "POST" else HTTPStatus.OK
    return render(request, "registration/invitation_accept.html", context, status=status)


def _join(request: HttpRequest, invitation: Invitation, form: InvitedUserForm | None) -> bool:
    """Accept for the signed-in user, or for a new account when the form is valid."""
    if form is None:
        assert isinstance(request.user, User)
        services.invitation_accept(invitation=invitation, user=request.user)
        return True
    if not form.is_valid():
        return False
    user, _membership = services.user_create_from_invitation(
        invitation=invitation,
        username=form.cleaned_data["username"],
        password=form.cleaned_data["password1"],
    )
    login(request, user, backend=LOGIN_BACKEND)
    return True


# Password reset, throttled ----------------------------------------------------------------

RESETS_PER_ADDRESS = 3  # emails to one address in RESET_WINDOW
RESETS_PER_CLIENT = 10  # requests from one client address in RESET_WINDOW
RESET_WINDOW = 3600  # seconds
RESET_REFUSED = (
    "Too many password reset requests came from your network. Try again in an hour, or ask "
    "an owner of your organisation."
)


def _count(key: str) -> int:
    """Requests counted under `key` in the current window, this one included."""
    cache.add(key, 0, timeout=RESET_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.set(key, 1, timeout=RESET_WINDOW)
        return 1


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, at most RESETS_PER_CLIENT requests from one client address
    (then 429 with a message) and RESETS_PER_ADDRESS emails to one address an hour (past that,
    the same "sent" page without an email, so the page never tells whether an account exists)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _count("reset:client:" + _hashed(client_address(request))) > RESETS_PER_CLIENT:
            return render(
                request,
                "registration/password_reset_form.html",
                {"form": self.get_form(), "refused": RESET_REFUSED},
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address = form.cleaned_data["email"].strip().casefold()
        if _count("reset:address:" + _hashed(address)) > RESETS_PER_ADDRESS:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = ThrottledPasswordResetView.as_view()
