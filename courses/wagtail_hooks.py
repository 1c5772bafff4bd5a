"""Courses in the Wagtail admin: the outdated-citations report."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import OutdatedCitationsReport, can_see_curriculum_reports


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/outdated-citations/", OutdatedCitationsReport.as_view(), name="courses_outdated_citations"),
        path("reports/outdated-citations/results/", OutdatedCitationsReport.as_view(results_only=True),
             name="courses_outdated_citations_results"),
    ]


class CurriculumReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_curriculum_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_outdated_citations_menu_item():
    return CurriculumReportMenuItem(
        _("Lessons citing outdated regulations"), reverse("courses_outdated_citations"),
        name="outdated-citations", icon_name="warning", order=650,
    )
