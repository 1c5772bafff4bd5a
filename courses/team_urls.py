"""The team view, under /org/ beside the cadre pages (included by lms.urls with the namespace "team")."""

from django.urls import path

from . import team_views

urlpatterns = [
    path("team/", team_views.team, name="team"),
    path("team/export.xlsx", team_views.team_export, name="export"),
    path("team/actions/", team_views.team_bulk, name="bulk"),
    path("cadres/<int:pk>/record/", team_views.cadre_record, name="record"),
]
