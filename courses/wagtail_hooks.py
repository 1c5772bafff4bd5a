"""Courses in the Wagtail admin: the outdated-citations report, in-person classes and external training."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import register_permission_policy

from cms.models import Regulation

from .admin import study as study_admin
from .admin import viewsets as admin_classes
from .admin.views import OutdatedCitationsReport, can_see_curriculum_reports
from .models import ExternalTraining, TrainingClass, TrainingPlan
from .permission_policies import class_permission_policy, external_permission_policy, plan_permission_policy

register_permission_policy(TrainingClass, class_permission_policy, exact_class=True)
register_permission_policy(ExternalTraining, external_permission_policy, exact_class=True)
register_permission_policy(TrainingPlan, plan_permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_class_viewsets():
    return [admin_classes.TrainingClassViewSet(), admin_classes.ExternalTrainingViewSet(),
            admin_classes.TrainingProviderViewSet(), admin_classes.TrainingPlanViewSet()]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/outdated-citations/", OutdatedCitationsReport.as_view(), name="courses_outdated_citations"),
        path("reports/outdated-citations/results/", OutdatedCitationsReport.as_view(results_only=True),
             name="courses_outdated_citations_results"),
        path("courses/classes/<int:pk>/attendance/", admin_classes.class_attendance, name="courses_class_attendance"),
        path("courses/classes/<int:pk>/attendance.xlsx", admin_classes.class_attendance_sheet,
             name="courses_class_attendance_sheet"),
        path("courses/classes/<int:pk>/attendance/import/", admin_classes.class_attendance_import,
             name="courses_class_attendance_import"),
        path("courses/classes/<int:pk>/register/", admin_classes.class_register, name="courses_class_register"),
        path("courses/classes/<int:pk>/complete/", admin_classes.class_complete, name="courses_class_complete"),
        path("courses/regulations/<int:pk>/study/", study_admin.regulation_study, name="courses_regulation_study"),
    ]


@hooks.register("register_snippet_listing_buttons")
def regulation_study_button(snippet, user, next_url=None):
    if isinstance(snippet, Regulation) and study_admin.can_assign_study(user):
        yield ListingButton(_("Assign for study"), reverse("courses_regulation_study", args=[snippet.pk]),
                            icon_name="group", priority=30)


class CurriculumReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_curriculum_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_outdated_citations_menu_item():
    return CurriculumReportMenuItem(
        _("Lessons citing outdated regulations"), reverse("courses_outdated_citations"),
        name="outdated-citations", icon_name="warning", order=650,
    )


@hooks.register("before_delete_page")
def refuse_deleting_courses_with_learner_records(request, page):
    """Deleting a course (or a curriculum holding one) would cascade to enrollments, completions and
    certificates that cadres and reports rely on. Refuse with a clear message; unpublish instead."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from .selectors import learner_records_under

    count = learner_records_under(page)
    if count:
        messages.error(
            request,
            _("“%(title)s” cannot be deleted: %(count)s learner records (enrollments, completions, lesson "
              "progress) depend on it. Unpublish it instead.") % {"title": page.title, "count": count},
        )
        return redirect("wagtailadmin_explore", page.get_parent().id)
    return None


@hooks.register("register_audit_scope")
def register_courses_audit_scope(user):
    from .selectors import audit_scope

    return audit_scope(user)


@hooks.register("register_personal_data")
def register_courses_personal_data(cadre):
    from .selectors import personal_data

    return personal_data(cadre)


@hooks.register("register_personal_data_erasure")
def register_courses_personal_data_erasure(cadre):
    from .services import personal_data_erase

    personal_data_erase(cadre=cadre)


@hooks.register("before_serve_page")
def serve_the_cadre_home_page(page, request, serve_args, serve_kwargs):
    """A logged-in cadre's home page starts with what is due (courses.views.cadre_home); everyone
    else gets the public home page, untouched."""
    from cms.models import HomePage

    from .selectors import cadre_of
    from .views import cadre_home

    if (request.method == "GET" and isinstance(page, HomePage) and request.user.is_authenticated
            and not getattr(request, "is_preview", False) and cadre_of(request.user) is not None):
        return cadre_home(request, page)
    return None
