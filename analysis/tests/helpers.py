"""Shared helpers for the analysis page tests."""

from django.urls import reverse


def url(name, cycle, **query):
    base = reverse(name, args=[cycle.pk])
    return base + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )
