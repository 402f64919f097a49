"""Fetch-and-check helpers: every view reaches cycle data through these.

Outsiders get a 404 (they must not learn that a cycle exists); members who lack
the role a view needs get a 403.
"""

from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404

from foresight.models import Cycle, Membership, Role

T = TypeVar("T", bound=Model)


def cycle_for(user, cycle_id: int, *roles: Role) -> Cycle:
    """The cycle if `user` is a member (with one of `roles`, when given).

    The member's roles are left on the cycle as `cycle.user_roles`.
    """
    if not user.is_authenticated:
        raise Http404
    cycle = get_object_or_404(
        Cycle.objects.select_related("convener_organisation"), pk=cycle_id
    )
    held = set(
        Membership.objects.filter(cycle=cycle, user=user).values_list("role", flat=True)
    )
    if not held:
        raise Http404
    if held & {Role.CONVENER, Role.READER}:
        # can_browse_reference, which the navigation asks on every page, is
        # answered by these roles; only a true answer is ever remembered.
        user._can_browse_reference = True
    if roles and not held.intersection(roles):
        raise PermissionDenied("Your role in this cycle does not allow this.")
    cycle.user_roles = held
    return cycle


def convened_cycle_for(user, cycle_id: int) -> Cycle:
    return cycle_for(user, cycle_id, Role.CONVENER)


def cycle_child_for(user, model: type[T], cycle_id: int, pk: int, *roles: Role) -> T:
    """An object that belongs to a cycle (partner, role level, …), checked like its cycle."""
    cycle = cycle_for(user, cycle_id, *roles)
    obj = get_object_or_404(model, pk=pk, cycle=cycle)
    obj.cycle = cycle
    return obj


def can_browse_reference(user) -> bool:
    """The reference data (classification, library, provision) belongs to no cycle:
    staff, and anyone who convenes or reads a cycle, may browse it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # Remembered on the user object: the navigation and the view both ask.
    if not hasattr(user, "_can_browse_reference"):
        roles = [Role.CONVENER, Role.READER]
        allowed = Membership.objects.filter(user=user, role__in=roles).exists()
        user._can_browse_reference = allowed
    return user._can_browse_reference


def reference_reader_required(view):
    """Decorator for reference-data pages: sign-in required, then can_browse_reference."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_browse_reference(request.user):
            raise PermissionDenied("Reference data is open to conveners and readers.")
        return view(request, *args, **kwargs)

    return wrapped
