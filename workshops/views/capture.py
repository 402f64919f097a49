"""Capability-capture workshop pages (technologists). Placeholder until built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from workshops.access import workshop_for


def capture(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop_for(request.user, cycle_id, workshop_id)
    return HttpResponse("The capture workshop pages are being built.")


def capture_review(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    workshop_for(request.user, cycle_id, workshop_id)
    return HttpResponse("The capture review pages are being built.")


urls = [
    path("<int:workshop_id>/capture/", capture, name="capture"),
    path("<int:workshop_id>/capture/review/", capture_review, name="capture_review"),
]
