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
]
