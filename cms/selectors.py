"""Reads for the regulations library: which pages cite which regulations.

Citations are found through Wagtail's reference index, which Wagtail keeps up to date whenever a
page is saved, so a lesson is counted from its stored (published) content.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from wagtail.models import Page, ReferenceIndex

from .models import Regulation, RegulationStatus


def _citations(regulation_ids: Iterable[int]) -> QuerySet[ReferenceIndex]:
    return ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Regulation),
        to_object_id__in=[str(pk) for pk in regulation_ids],
        base_content_type=ContentType.objects.get_for_model(Page),
    )


def pages_citing(*, regulation_ids: Iterable[int]) -> QuerySet[Page]:
    """Pages whose content cites any of the regulations."""
    page_ids = _citations(regulation_ids).values_list("object_id", flat=True)
    return Page.objects.filter(pk__in=[int(pk) for pk in page_ids])


def citations_by_page(*, page_ids: Iterable[int], regulation_ids: Iterable[int] | None = None) -> dict[int, list]:
    """{page_id: [Regulation, ...]} for the given pages (optionally only some regulations); two queries."""
    refs = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Regulation),
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in page_ids],
    )
    if regulation_ids is not None:
        refs = refs.filter(to_object_id__in=[str(pk) for pk in regulation_ids])
    pairs = {(int(r.object_id), int(r.to_object_id)) for r in refs.only("object_id", "to_object_id")}
    regulations = Regulation.objects.select_related("superseded_by").in_bulk({reg for _, reg in pairs})
    result: dict[int, list] = {}
    for page_id, reg_id in sorted(pairs):
        if reg_id in regulations:
            result.setdefault(page_id, []).append(regulations[reg_id])
    return result


def outdated_regulations() -> QuerySet[Regulation]:
    return Regulation.objects.exclude(status=RegulationStatus.IN_FORCE)


def pages_citing_outdated() -> QuerySet[Page]:
    """Pages citing a regulation that is superseded or amended."""
    return pages_citing(regulation_ids=outdated_regulations().values_list("pk", flat=True))


def affected_by_change(regulation: Regulation) -> tuple[list[Regulation], int]:
    """When `regulation` is saved: the outdated regulations it concerns (itself if it is no longer in
    force, and those it replaces) and how many pages cite them."""
    concerned = list(regulation.replaces.exclude(status=RegulationStatus.IN_FORCE))
    if regulation.status != RegulationStatus.IN_FORCE:
        concerned.append(regulation)
    if not concerned:
        return [], 0
    return concerned, pages_citing(regulation_ids=[r.pk for r in concerned]).count()


# --- The good-practice and model-document libraries ------------------------------------------------------------


def _page_number(params) -> str:
    return params.get("page") or "1"


def _query(filters: dict) -> str:
    """The filters as a query string for the pagination links (empty ones left out)."""
    from urllib.parse import urlencode

    return urlencode({key: value for key, value in filters.items() if value})


def practice_library(*, library, params) -> dict:
    """The library page's list: live write-ups under it, newest first, filtered by `tag` (slug),
    `unit` (id) and `q` (title, summary or unit name); 10 a page; the topics and units in use for
    the filters. A fixed number of queries whatever the page size."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Q
    from taggit.models import Tag

    from organization.models import Unit

    from .models import PRACTICE_PAGE_SIZE, PracticePage

    pages = PracticePage.objects.live().descendant_of(library).select_related("unit")
    tag = (params.get("tag") or "").strip()
    unit = (params.get("unit") or "").strip()
    query = (params.get("q") or "").strip()
    if tag:
        pages = pages.filter(tagged_items__tag__slug=tag)
    if unit.isdigit():
        pages = pages.filter(unit_id=int(unit))
    if query:
        pages = pages.filter(Q(title__icontains=query) | Q(summary__icontains=query) | Q(unit__name__icontains=query))
    pages = pages.order_by("-first_published_at", "-pk").distinct()
    page_obj = Paginator(pages.prefetch_related("tags"), PRACTICE_PAGE_SIZE).get_page(_page_number(params))
    live = PracticePage.objects.live().descendant_of(library)
    topics = (Tag.objects.filter(cms_practicetag_items__content_object__in=live)
              .annotate(n=Count("cms_practicetag_items", distinct=True)).order_by("name"))
    units = Unit.objects.filter(pk__in=live.values("unit_id")).order_by("name")
    filters = {"tag": tag, "unit": unit, "q": query}
    return {"practices": page_obj, "page_obj": page_obj, "topics": topics, "units": units, "filters": filters,
            "query": _query(filters)}


def model_document_library(*, params) -> dict:
    """The model documents, filtered by `category` and `q` (title or description), 20 a page,
    each with its file. A fixed number of queries."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    from .models import MODEL_DOCUMENT_PAGE_SIZE, ModelDocument, ModelDocumentCategory

    items = ModelDocument.objects.select_related("document", "regulation")
    category = (params.get("category") or "").strip()
    query = (params.get("q") or "").strip()
    if category in ModelDocumentCategory.values:
        items = items.filter(category=category)
    else:
        category = ""
    if query:
        items = items.filter(Q(title__icontains=query) | Q(description__icontains=query))
    page_obj = Paginator(items.order_by("category", "title", "pk"), MODEL_DOCUMENT_PAGE_SIZE).get_page(
        _page_number(params))
    filters = {"category": category, "q": query}
    return {"model_documents": page_obj, "page_obj": page_obj, "categories": ModelDocumentCategory.choices,
            "filters": filters, "query": _query(filters)}
