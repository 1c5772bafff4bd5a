"""Admin for the regulations library and the model documents library, and the warning editors get
when a regulation is replaced."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin.viewsets import (
    ModelDocumentViewSet,
    RegulationViewSet,
    warn_about_citations,
)
from .models import Regulation

register_snippet(RegulationViewSet)
register_snippet(ModelDocumentViewSet)


@hooks.register("after_create_snippet")
def warn_after_create(request, instance):
    if isinstance(instance, Regulation):
        warn_about_citations(request, instance)


@hooks.register("after_edit_snippet")
def warn_after_edit(request, instance):
    if isinstance(instance, Regulation):
        warn_about_citations(request, instance)
