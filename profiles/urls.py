# Included at cycles/<int:cycle_id>/profiles/.
urlpatterns: list = []
