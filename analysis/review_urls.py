from django.urls import path

from analysis import views_review

urlpatterns = [
    path("<int:run_id>/", views_review.review_queue, name="review_queue"),
    path("<int:run_id>/bulk/", views_review.review_bulk, name="review_bulk"),
    path(
        "<int:run_id>/matches/<int:match_id>/",
        views_review.review_decide,
        name="review_decide",
    ),
    path(
        "<int:run_id>/matches/<int:match_id>/history/",
        views_review.review_history,
        name="review_history",
    ),
]
