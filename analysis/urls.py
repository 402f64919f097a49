from django.urls import path

from analysis import views

urlpatterns = [
    path("", views.standards, name="standards"),
    path("<str:reference>/", views.standard_detail, name="standard_detail"),
]
