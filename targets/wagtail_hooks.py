"""Registers the targets' admin."""

from wagtail import hooks

from .admin.viewsets import TargetViewSet


@hooks.register("register_admin_viewset")
def register_target_viewset():
    return TargetViewSet()
