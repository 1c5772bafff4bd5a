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
