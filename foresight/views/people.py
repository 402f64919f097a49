from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from foresight.access import convened_cycle_for
from foresight.forms import InvitationForm, NewAccountForm
from foresight.models import Invitation
from foresight.models.people import InvitationError


def _members_context(cycle, form) -> dict:
    return {
        "cycle": cycle,
        "form": form,
        "memberships": cycle.memberships.select_related("user").order_by(
            "user__email", "role"
        ),
        "pending": cycle.invitations.filter(accepted_at__isnull=True),
    }


@login_required
def members(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    form = InvitationForm(request.POST or None, cycle=cycle)
    if request.method != "POST":
        return render(request, "foresight/members.html", _members_context(cycle, form))
    if not form.is_valid():
        context = _members_context(cycle, form)
        return render(request, "foresight/members.html", context, status=400)

    form.instance.invited_by = request.user
    invitation = form.save()
    link = request.build_absolute_uri(reverse("invitation", args=[invitation.token]))
    send_mail(
        f"You are invited to the foresighting cycle “{cycle}”",
        f"{request.user.get_full_name() or request.user.email} invites you to take part in "
        f"“{cycle}” as {invitation.get_role_display().lower()}.\n\n"
        f"Open this link to join (it works once): {link}\n",
        None,
        [invitation.email],
    )
    messages.success(
        request, f"Invitation sent to {invitation.email}. Its link: {link}"
    )
    return redirect("members", cycle.pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = Invitation.from_token(token)
    except InvitationError as error:
        return render(
            request, "foresight/invitation_invalid.html", {"error": error}, status=400
        )

    user = get_user_model().objects.filter(email__iexact=invitation.email).first()
    form = (
        None if user else NewAccountForm(request.POST or None, email=invitation.email)
    )
    context = {"invitation": invitation, "form": form, "existing_user": user}
    if request.method != "POST":
        return render(request, "foresight/invitation.html", context)
    if form is not None and not form.is_valid():
        return render(request, "foresight/invitation.html", context, status=400)

    try:
        with transaction.atomic():
            if user is None:
                user = get_user_model().objects.create_user(
                    username=invitation.email,
                    email=invitation.email,
                    password=form.cleaned_data["password"],
                    first_name=form.cleaned_data["name"],
                )
            invitation.accept(user)
    except InvitationError as error:
        return render(
            request, "foresight/invitation_invalid.html", {"error": error}, status=400
        )

    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, f"Welcome. You joined as {invitation.get_role_display().lower()}."
    )
    return redirect(invitation.cycle)
