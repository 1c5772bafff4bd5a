from django.urls import path

from . import views

app_name = "organization"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/my-data.xlsx", views.my_data, name="my_data"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", views.cadre_export, name="cadre_export"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/history/", views.cadre_history_view, name="cadre_history"),
    path("logins/", views.cadre_logins, name="cadre_logins"),
]
