from workshops.views import capture, console, ksb, proficiency, workshops

# Included at cycles/<int:cycle_id>/workshops/.
urlpatterns = [
    *workshops.urls,
    *proficiency.urls,
    *console.urls,
    *capture.urls,
    *ksb.urls,
]
