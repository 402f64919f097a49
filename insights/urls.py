from django.urls import path

from insights.views import heatmap, pages, shift

# Included at cycles/<int:cycle_id>/insights/, before analysis.insight_urls.
urlpatterns = [
    path("", pages.dashboard, name="insights_dashboard"),
    path("overview/", pages.overview, name="insights_overview"),
    path("supply-chain/", pages.supply_chain, name="insights_supply_chain"),
    path("future-ksbs/", pages.future_ksbs, name="insights_future_ksbs"),
    path("fit-matrix/", pages.fit_surplus_matrix, name="insights_fit_matrix"),
    path("shift/", shift.functional_shift, name="insights_shift"),
    path(
        "shift/current-standards/", shift.mark_standard, name="insights_mark_standard"
    ),
    path(
        "fop-heatmap/<int:iteration_id>/",
        heatmap.fop_heatmap,
        name="insights_fop_heatmap",
    ),
]
