from django.urls import path

from . import views

app_name = "competency"

urlpatterns = [
    path("me/competency/", views.my_competency, name="my_competency"),
]
