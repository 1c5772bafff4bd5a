"""Wagtail admin views of the courses app: the report of lessons citing outdated regulations."""

import datetime

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from cms.selectors import citations_by_page, outdated_regulations, pages_citing_outdated
from organization import roles

from ..models import LessonPage
from ..selectors import STEPLEN

CURRICULUM_APPROVERS = "Duyệt giáo trình"


def can_see_curriculum_reports(user) -> bool:
    return user.is_active and (
        user.is_superuser or roles.is_administrator(user) or roles.is_trainer(user)
        or user.groups.filter(name=CURRICULUM_APPROVERS).exists()
    )


class OutdatedCitationsReport(ReportView):
    """Lessons citing a regulation that is superseded or amended, with links to edit them."""

    page_title = _("Lessons citing outdated regulations")
    header_icon = "warning"
    index_url_name = "courses_outdated_citations"
    index_results_url_name = "courses_outdated_citations_results"
    results_template_name = "courses/admin/outdated_citations_results.html"
    paginate_by = 50
    list_export = ["title", "course_title", "outdated_text", "url_path"]
    export_headings = {"title": _("Lesson"), "course_title": _("Course"), "outdated_text": _("Outdated citations"),
                       "url_path": _("Path")}
    columns = [
        TitleColumn("title", label=_("Lesson"), url_name="wagtailadmin_pages:edit"),
        Column("course_title", label=_("Course")),
        Column("outdated_text", label=_("Outdated citations")),
        Column("live", label=_("Published"), accessor="status_string"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_see_curriculum_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        page_ids = pages_citing_outdated().values_list("pk", flat=True)
        return LessonPage.objects.filter(pk__in=list(page_ids)).defer_streamfields().order_by("path")

    def get_filename(self):
        return f"bai-hoc-trich-dan-van-ban-het-hieu-luc-{datetime.date.today():%Y-%m-%d}"  # noqa: DTZ011

    def decorate_paginated_queryset(self, object_list):
        lessons = list(object_list)
        citations = citations_by_page(page_ids=[p.pk for p in lessons],
                                      regulation_ids=outdated_regulations().values_list("pk", flat=True))
        course_paths = {p.path[: STEPLEN * (p.depth - 2)] for p in lessons}
        titles = dict(Page.objects.filter(path__in=course_paths).values_list("path", "title"))
        for lesson in lessons:
            lesson.course_title = titles.get(lesson.path[: STEPLEN * (lesson.depth - 2)], "")
            lesson.outdated = citations.get(lesson.pk, [])
            lesson.outdated_text = "; ".join(
                f"{r.number} ({r.get_status_display()}"
                + (f" → {r.superseded_by.number})" if r.superseded_by else ")")
                for r in lesson.outdated
            )
        return lessons

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["regulations_url"] = reverse("wagtailsnippets_cms_regulation:list")
        return context
