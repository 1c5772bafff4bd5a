from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("missing/", views.missing, name="missing"),
    path("missing/export/", views.missing_export, name="missing_export"),
    path("plans/", views.plans, name="plans"),
    path("plans/export/", views.plans_export, name="plans_export"),
    path("newly-elected/", views.newly_elected, name="newly_elected"),
    path("figures/<int:pk>/status/", views.figures_status, name="figures_status"),
    path("jobs/", views.job_request, name="job_request"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("reports/", views.reports, name="reports"),
    path("reports/schedule/", views.report_schedule, name="report_schedule"),
    path("records/export/", views.records_export, name="records_export"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
    # Notices moved to the learner's pages (/learn/notices/); old links still land there.
    path("notices/", RedirectView.as_view(pattern_name="courses:notices", permanent=True)),
]
