from django.http import HttpRequest, HttpResponse

from foresight.access import reference_reader_required


@reference_reader_required
def library(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The library search is being built.")
