from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from foresight.access import reference_reader_required
from foresight.models import Domain, Function, FunctionalArea


@reference_reader_required
def classification(request: HttpRequest) -> HttpResponse:
    functions = list(classification_tree())
    chosen = chosen_function(request, functions)

    context = {
        "functions": functions,
        "chosen": chosen,
        "shown": [chosen] if chosen else functions,
        "domain_total": sum(function.domain_count for function in functions),
        "area_total": sum(function.area_count for function in functions),
    }
    return render(request, "foresight/classification.html", context)


def classification_tree() -> QuerySet[Function]:
    """Functions → domains → areas with their counts, in three queries."""
    areas = FunctionalArea.objects.annotate(statement_count=Count("statements"))
    domains = Domain.objects.annotate(area_count=Count("areas")).prefetch_related(
        Prefetch("areas", queryset=areas.order_by("code"))
    )
    return Function.objects.annotate(
        domain_count=Count("domains", distinct=True),
        area_count=Count("domains__areas", distinct=True),
    ).prefetch_related(Prefetch("domains", queryset=domains.order_by("code")))


def chosen_function(request: HttpRequest, functions: list[Function]) -> Function | None:
    value = request.GET.get("function")
    if not value:
        return None
    for function in functions:
        if str(function.pk) == value:
            return function
    raise Http404("No such function.")
