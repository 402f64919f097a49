from django.urls import path

from analysis import views_runs

urlpatterns = [
    path("", views_runs.run_list, name="runs"),
    path("launch/", views_runs.run_launch, name="run_launch"),
    path("<int:run_id>/", views_runs.run_detail, name="run_detail"),
    path("<int:run_id>/cancel/", views_runs.run_cancel, name="run_cancel"),
    path(
        "<int:run_id>/threshold/",
        views_runs.run_apply_threshold,
        name="run_apply_threshold",
    ),
]
