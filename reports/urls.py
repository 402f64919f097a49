"""Under cycles/<int:cycle_id>/report/."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.report, name="report"),
    path("generate/", views.report_generate, name="report_generate"),
    path(
        "recommendations/",
        views.report_recommendations,
        name="report_recommendations",
    ),
    path("<int:version>/", views.report_version, name="report_version"),
    path("<int:version>.pdf", views.report_pdf, name="report_pdf"),
    path("actions/", views.action_list, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/<int:action_id>/", views.action_edit, name="action_edit"),
]
