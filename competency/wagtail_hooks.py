"""The framework, its requirements and evidence in the Wagtail admin."""

from django.urls import path
from wagtail import hooks

from .admin import views as admin_views
from .admin.viewsets import (
    CompetencyGroup,
)


@hooks.register("register_admin_viewset")
def register_competency_viewsets():
    return CompetencyGroup()


@hooks.register("register_admin_urls")
def register_framework_urls():
    return [
        path("competency/framework-import/", admin_views.framework_import_view, name="competency_framework_import"),
        path("competency/framework-import/confirm/", admin_views.framework_import_confirm_view,
             name="competency_framework_import_confirm"),
        path("competency/frameworks/<int:pk>/activate/", admin_views.framework_activate_view,
             name="competency_framework_activate"),
        path("competency/frameworks/<int:pk>/new-version/", admin_views.framework_new_version_view,
             name="competency_framework_new_version"),
        path("competency/frameworks/<int:pk>/export/", admin_views.framework_export_view,
             name="competency_framework_export"),
    ]


@hooks.register("register_audit_scope")
def register_competency_audit_scope(user):
    from .selectors import audit_scope

    return audit_scope(user)


@hooks.register("register_personal_data")
def register_competency_personal_data(cadre):
    from .selectors import personal_data

    return personal_data(cadre)


@hooks.register("register_personal_data_erasure")
def register_competency_personal_data_erasure(cadre):
    from .services import personal_data_erase

    personal_data_erase(cadre=cadre)
