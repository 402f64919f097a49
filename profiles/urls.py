from profiles.views import detail, iterations, matrix

# Included at cycles/<int:cycle_id>/profiles/.
urlpatterns = [
    *iterations.urls,
    *matrix.urls,
    *detail.urls,
]
