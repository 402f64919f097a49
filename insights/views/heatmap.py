"""The FOP matrix page's heat map data: JSON (or CSV) with the matrix page's
filters, for whoever may see that iteration (profiles.views.access)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from insights.heatmap import heatmap_table
from profiles.forms import MatrixFilterForm
from profiles.views.access import iteration_for
from profiles.views.matrix import matrix_rows


@login_required
@require_GET
def fop_heatmap(request: HttpRequest, cycle_id: int, iteration_id: int) -> HttpResponse:
    iteration = iteration_for(request.user, cycle_id, iteration_id)
    query = request.GET.copy()
    query.pop("format", None)
    form = MatrixFilterForm(query or None, iteration=iteration)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("Check the filters of the matrix.")

    profiles = form.filter(iteration.profiles.select_related("role_level"))
    rows = matrix_rows(iteration, profiles, hide_empty=True)
    # The labels of the levels in use, as the matrix rows carry them.
    levels = {
        level: label for row in rows for level, label in row.cells if level is not None
    }
    table = heatmap_table(profiles, rows, levels)
    if request.GET.get("format") == "csv":
        name = f"fop-heatmap-cycle-{cycle_id}-iteration-{iteration.number}.csv"
        return table.as_csv(name)
    return table.as_json()
