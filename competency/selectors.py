"""Reads for the competency framework: the active framework, attained levels, gaps."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Max, Q
from django.utils import timezone

from lms.audit import AuditScope
from organization.models import Cadre

from .api import remedies_for
from .models import Competency, Evidence, Framework, Requirement


def framework_active() -> Framework | None:
    return Framework.objects.filter(is_active=True).first()


def framework_on(day: datetime.date) -> Framework | None:
    """The framework version in force on `day`: the one with the latest `effective_from` on or before
    it (an active version without a date counts as in force since always). Figures for a past date
    use the version of that date, not today's."""
    return (
        Framework.objects.filter(Q(effective_from__lte=day) | Q(is_active=True, effective_from__isnull=True))
        .order_by(F("effective_from").desc(nulls_last=True), "-id").first()
    )


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
    courses = remedies_for({row.competency.pk: row.required for row in rows if row.gap})
    for row in rows:
        if row.gap:
            row.courses = courses.get(row.competency.pk, [])
    rows.sort(key=lambda r: (r.competency.area.order, r.competency.area.code, r.competency.order, r.competency.code))
    return rows


# --- Targets: population, criterion and the roll-up over the unit tree -------------------------------------------
#
# Everything below is set-based: one SQL statement computes, for every cadre of a target's population,
# the unit they held on the population date and whether they meet the criterion; the roll-up then sums
# those per unit path and expands each path into its ancestors' prefixes (treebeard paths are STEPLEN
# characters per level), so a unit's numbers cover its whole subtree. The same SQL runs on SQLite and
# PostgreSQL; the only dialect difference is adding days to a date.


# --- The board's dashboard: read from the stored snapshots ---------------------------------------------------------


def audit_scope(user):
    """Evidence is read through the cadres' scope (organization.selectors.audit_scope, lms.audit)."""
    return AuditScope(models=(Evidence,))


def personal_data(cadre: Cadre) -> list:
    """The cadre's competency evidence, for their own download (lms.personal_data)."""
    from django.utils.translation import gettext as _

    from lms.personal_data import model_section

    return [model_section(_("Competency evidence"), Evidence.objects.filter(cadre=cadre).select_related(
        "competency").order_by("obtained_on"),
        [("competency.name", _("Competency")), "level", "source", "obtained_on", "expires_on", "note", "file"])]
