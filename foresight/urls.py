from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from foresight.views import classification, cycles, library, people, setup

SECTIONS = "<slug:section>"

urlpatterns = [
    path("", cycles.my_cycles, name="my_cycles"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_id>/", cycles.cycle_home, name="cycle_home"),
    path("cycles/<int:cycle_id>/stage/", cycles.change_stage, name="change_stage"),
    path(
        "cycles/<int:cycle_id>/summary/", cycles.refresh_summary, name="refresh_summary"
    ),
    path("cycles/<int:cycle_id>/setup/", setup.cycle_setup, name="cycle_setup"),
    path("cycles/<int:cycle_id>/setup/details/", setup.cycle_edit, name="cycle_edit"),
    path("cycles/<int:cycle_id>/setup/scale/", setup.scale_edit, name="scale_edit"),
    path(
        f"cycles/<int:cycle_id>/setup/{SECTIONS}/",
        setup.section_add,
        name="section_add",
    ),
    path(
        f"cycles/<int:cycle_id>/setup/{SECTIONS}/<int:pk>/delete/",
        setup.section_delete,
        name="section_delete",
    ),
    path("cycles/<int:cycle_id>/members/", people.members, name="members"),
    path("cycles/<int:cycle_id>/workshops/", include("workshops.urls")),
    path("cycles/<int:cycle_id>/profiles/", include("profiles.urls")),
    path("cycles/<int:cycle_id>/review/", include("analysis.review_urls")),
    path("cycles/<int:cycle_id>/insights/", include("insights.urls")),
    path("cycles/<int:cycle_id>/insights/", include("analysis.insight_urls")),
    path("cycles/<int:cycle_id>/report/", include("reports.urls")),
    path("cycles/<int:cycle_id>/runs/", include("analysis.run_urls")),
    path("invitations/<str:token>/", people.invitation, name="invitation"),
    path("about/", cycles.about, name="about"),
    path(
        "reference/classification/",
        classification.classification,
        name="classification",
    ),
    path("reference/library/", library.library, name="library"),
    path("reference/library/embed/", library.embed_library, name="embed_library"),
    path("reference/jobs/<int:job_id>/", library.job_progress, name="job_progress"),
    path("reference/provision/", include("analysis.urls")),
    path("admin/", admin.site.urls),
]
