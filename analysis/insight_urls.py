from django.urls import path

from analysis import views_insights

urlpatterns = [
    path(
        "capabilities/",
        views_insights.insight_capabilities,
        name="insight_capabilities",
    ),
    path("matched/", views_insights.insight_matched, name="insight_matched"),
    path("fit/", views_insights.insight_fit, name="insight_fit"),
    path("priorities/", views_insights.insight_priorities, name="insight_priorities"),
    path(
        "fop-matches/",
        views_insights.insight_fop_matches,
        name="insight_fop_matches",
    ),
    path(
        "fop-provision/",
        views_insights.insight_fop_provision,
        name="insight_fop_provision",
    ),
]
