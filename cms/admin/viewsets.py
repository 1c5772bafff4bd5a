"""The cms app's Wagtail admin: viewsets, forms and admin views (registered in wagtail_hooks.py)."""

from django.contrib import messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import ModelDocument, Regulation
from ..selectors import affected_by_change


class RegulationFilterSet(WagtailFilterSet):
    class Meta:
        model = Regulation
        fields = ["status", "kind"]


class RegulationViewSet(SnippetViewSet):
    model = Regulation
    icon = "doc-full-inverse"
    menu_label = _("Regulations")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["number", "title", "issued_on", "issuer", "status", "superseded_by"]
    list_filter = None
    filterset_class = RegulationFilterSet
    search_fields = ["number", "title"]
    ordering = ["-issued_on", "number"]


class ModelDocumentFilterSet(WagtailFilterSet):
    class Meta:
        model = ModelDocument
        fields = ["category"]


class ModelDocumentViewSet(SnippetViewSet):
    """The model documents and templates library (mẫu văn bản): a file from the documents library,
    a category and what it is for; listed on the site by the model documents library page."""

    model = ModelDocument
    icon = "doc-empty-inverse"
    menu_label = _("Model documents")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "category", "regulation", "updated_at"]
    filterset_class = ModelDocumentFilterSet
    search_fields = ["title", "description"]
    ordering = ["category", "title"]


def warn_about_citations(request, regulation):
    concerned, count = affected_by_change(regulation)
    if not count:
        return
    numbers = ", ".join(r.number for r in concerned)
    text = ngettext(
        "%(count)d lesson cites %(numbers)s, which is no longer in force. Review it in the report.",
        "%(count)d lessons cite %(numbers)s, which is no longer in force. Review them in the report.",
        count,
    ) % {"count": count, "numbers": numbers}
    url = reverse("courses_outdated_citations")  # the report, registered by the courses app
    messages.warning(request, format_html('{} <a href="{}">{}</a>', text, url, _("Open the report")))

