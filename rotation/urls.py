from django.urls import path

from . import views

app_name = "rotation"

urlpatterns = [
    path("", views.rotation_overview, name="overview"),
]
