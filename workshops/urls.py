from workshops.views import capture, ksb, proficiency

# Included at cycles/<int:cycle_id>/workshops/.
urlpatterns = [*proficiency.urls, *capture.urls, *ksb.urls]
