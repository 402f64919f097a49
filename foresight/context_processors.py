from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from foresight.access import can_browse_reference


def navigation(request: HttpRequest) -> dict:
    # Lazy: the membership query runs only when a template asks.
    return {
        "can_browse_reference": SimpleLazyObject(
            lambda: can_browse_reference(request.user)
        )
    }
