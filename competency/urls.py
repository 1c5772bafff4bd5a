from django.urls import path

from . import views

app_name = "competency"

# Mounted under /board/ beside the targets' pages (lms/urls.py).
urlpatterns = [
    path("me/competency/", views.my_competency, name="my_competency"),
]
