"""KSB workshop pages (educators). Placeholder until built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from workshops.access import workshop_for


def ksb(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop_for(request.user, cycle_id, workshop_id)
    return HttpResponse("The KSB workshop pages are being built.")


def ksb_summary(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop_for(request.user, cycle_id, workshop_id)
    return HttpResponse("The KSB summary pages are being built.")


urls = [
    path("<int:workshop_id>/ksb/", ksb, name="ksb"),
    path("<int:workshop_id>/ksb/summary/", ksb_summary, name="ksb_summary"),
]
