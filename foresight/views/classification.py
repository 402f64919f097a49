from django.http import HttpRequest, HttpResponse

from foresight.access import reference_reader_required


@reference_reader_required
def classification(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The classification browser is being built.")
