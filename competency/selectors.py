"""Reads for the competency framework: the active framework, attained levels, gaps."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from organization.models import Cadre

from .models import Competency, Evidence, Framework, Requirement


def framework_active() -> Framework | None:
    return Framework.objects.filter(is_active=True).first()


def attained_levels(*, cadre: Cadre, on: datetime.date | None = None) -> dict[int, int]:
    """{competency_id: highest level} from the cadre's evidence valid on `on` (default today).

    Evidence counts from its date and until its expiry (inclusive); expired evidence is ignored.
    """
    on = on or timezone.localdate()
    rows = (
        Evidence.objects.filter(cadre=cadre, obtained_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .values("competency_id")
        .annotate(level=Max("level"))
    )
    return {row["competency_id"]: row["level"] for row in rows}


@dataclass
class GapRow:
    competency: Competency
    required: int
    attained: int
    evidence: list[Evidence] = field(default_factory=list)
    courses: list = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.required - self.attained)


def requirements_for(*, framework: Framework | None, position_id: int, unit_kind: str) -> dict[int, Requirement]:
    """{competency_id: requirement} for a position in a unit of `unit_kind`: a requirement for that
    kind overrides the one for every kind (blank)."""
    if framework is None:
        return {}
    result: dict[int, Requirement] = {}
    rows = (
        Requirement.objects.filter(framework=framework, position_id=position_id)
        .filter(Q(unit_kind="") | Q(unit_kind=unit_kind))
        .select_related("competency", "competency__area")
    )
    for req in rows:
        if req.competency_id not in result or req.unit_kind:
            result[req.competency_id] = req
    return result


def _courses_building(competency_levels: dict[int, int]) -> dict[int, list]:
    """{competency_id: [course, ...]}: live courses that build each competency to at least the level."""
    try:
        from courses.models import CourseCompetency
    except ImportError:  # the courses app is optional for the framework
        return {}
    if not competency_levels:
        return {}
    condition = Q()
    for competency_id, level in competency_levels.items():
        condition |= Q(competency_id=competency_id, level__gte=level)
    links = CourseCompetency.objects.filter(condition).select_related("course")
    links = links.filter(course__live=True).order_by("course__title")
    result: dict[int, list] = {}
    for link in links:
        result.setdefault(link.competency_id, []).append(link.course)
    return result


def competency_gap(*, cadre: Cadre, on: datetime.date | None = None) -> list[GapRow]:
    """The cadre's profile against the active framework: per required competency, the level required
    for their position in their unit's kind, the level attained from evidence valid on `on`, the
    evidence, the gap, and the courses that build the competency to at least the required level
    (only for competencies with a gap). A fixed number of queries, whatever the framework's size."""
    on = on or timezone.localdate()
    framework = framework_active()
    requirements = requirements_for(framework=framework, position_id=cadre.position_id, unit_kind=cadre.unit.kind)
    evidence_by_competency: dict[int, list[Evidence]] = {}
    valid = (
        Evidence.objects.filter(cadre=cadre, competency_id__in=requirements.keys(), obtained_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .order_by("-level", "-obtained_on")
    )
    for evidence in valid:
        evidence_by_competency.setdefault(evidence.competency_id, []).append(evidence)
    rows = []
    for competency_id, req in requirements.items():
        evidence = evidence_by_competency.get(competency_id, [])
        rows.append(GapRow(competency=req.competency, required=req.required_level,
                           attained=max((e.level for e in evidence), default=0), evidence=evidence))
    courses = _courses_building({row.competency.pk: row.required for row in rows if row.gap})
    for row in rows:
        if row.gap:
            row.courses = courses.get(row.competency.pk, [])
    rows.sort(key=lambda r: (r.competency.area.order, r.competency.area.code, r.competency.order, r.competency.code))
    return rows
