"""Writes for the competency framework. Other apps record evidence through `evidence_record` only."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.audit import audit_record, snapshot
from lms.uploads import EVIDENCE, validate_upload
from organization.models import Cadre, Position

from .models import (
    Area,
    Competency,
    Evidence,
    EvidenceSource,
    Framework,
    ProficiencyLevel,
    Requirement,
)

# What the audit trail (lms.audit) keeps of a piece of evidence before and after a change.
EVIDENCE_FIELDS = ("cadre", "competency", "level", "source", "source_ref", "obtained_on", "expires_on", "note",
                   "assessor", "file")


def evidence_record(
    *,
    cadre: Cadre,
    competency: Competency,
    level: int,
    source: str,
    obtained_on: datetime.date,
    expires_on: datetime.date | None = None,
    source_ref: str = "",
    note: str = "",
    assessor=None,
    file=None,
    by=None,
) -> Evidence:
    """Record that `cadre` reached `level` of `competency`.

    Guarantees: the level lies on the framework's scale; with a `source_ref` (e.g. "quiz-sitting:42")
    the same fact recorded twice, even concurrently, yields one row (the existing one is returned,
    updated to the higher level if the new record is higher); manual assessments need an assessor
    and a note, prior learning needs a file. A new row or a raised level is audited (actor `by`,
    else the assessor, else the system).
    """
    if source not in EvidenceSource.values:
        raise ValidationError(_("Unknown evidence source."))
    max_level = competency.framework.levels.order_by("-level").values_list("level", flat=True).first()
    if max_level is not None and not 1 <= level <= max_level:
        raise ValidationError(
            _("Level %(level)s is outside the scale (1–%(max)s).") % {"level": level, "max": max_level}
        )
    if expires_on and expires_on < obtained_on:
        raise ValidationError(_("The expiry date is before the date obtained."))
    if source == EvidenceSource.MANUAL and (assessor is None or not note.strip()):
        raise ValidationError(_("A manual assessment needs an assessor and a note."))
    if source == EvidenceSource.PRIOR and not file:
        raise ValidationError(_("Recognised prior learning needs a supporting file."))
    if file:
        validate_upload(file, EVIDENCE)

    fields = {"level": level, "obtained_on": obtained_on, "expires_on": expires_on, "note": note,
              "assessor": assessor}
    if source_ref:
        existing = Evidence.objects.filter(
            cadre=cadre, competency=competency, source=source, source_ref=source_ref
        ).first()
        if existing:
            if level > existing.level:
                before = snapshot(existing, EVIDENCE_FIELDS)
                existing.level = level
                existing.save(update_fields=["level"])
                audit_record(instance=existing, action="ktlearn.evidence.change", user=by or assessor,
                             before=before, after=snapshot(existing, EVIDENCE_FIELDS))
            return existing
        try:
            with transaction.atomic():
                evidence = Evidence.objects.create(
                    cadre=cadre, competency=competency, source=source, source_ref=source_ref, file=file or "",
                    **fields,
                )
        except IntegrityError:
            return Evidence.objects.get(cadre=cadre, competency=competency, source=source, source_ref=source_ref)
    else:
        evidence = Evidence.objects.create(cadre=cadre, competency=competency, source=source, file=file or "",
                                           **fields)
    audit_record(instance=evidence, action="ktlearn.evidence.create", user=by or assessor,
                 after=snapshot(evidence, EVIDENCE_FIELDS))
    return evidence


def framework_in_use(framework: Framework, *, on: datetime.date | None = None) -> bool:
    """A version in use (active, or in force from a date already reached) is read-only: figures of
    past dates were computed with it. A change makes a new version (framework_new_version)."""
    on = on or timezone.localdate()
    return framework.is_active or (framework.effective_from is not None and framework.effective_from <= on)


IN_USE_MESSAGE = gettext_lazy("This framework version is in use: figures were computed with it, so it cannot be "
                              "changed. Make a new version and change that one.")


@transaction.atomic
def framework_new_version(*, source: Framework, version: str, name: str | None = None) -> Framework:
    """A draft copy of `source` (scale, areas, competencies with the same codes, requirements) under a
    new version number, not in force until it is given a date and activated. Evidence keeps counting:
    it is matched by the competency's code."""
    if Framework.objects.filter(version=version).exists():
        raise ValidationError(_("Version %(version)s already exists.") % {"version": version})
    draft = Framework.objects.create(name=name or source.name, version=version,
                                     notes=_("Copied from version %(version)s.") % {"version": source.version})
    ProficiencyLevel.objects.bulk_create(
        ProficiencyLevel(framework=draft, level=x.level, name=x.name, descriptor=x.descriptor)
        for x in source.levels.all()
    )
    areas = {a.pk: Area.objects.create(framework=draft, code=a.code, name=a.name, order=a.order)
             for a in source.areas.all()}
    competencies = {
        c.pk: Competency.objects.create(framework=draft, area=areas[c.area_id], code=c.code, name=c.name,
                                        description=c.description, order=c.order)
        for c in source.competencies.all()
    }
    Requirement.objects.bulk_create(
        Requirement(framework=draft, competency=competencies[r.competency_id], position_id=r.position_id,
                    unit_kind=r.unit_kind, required_level=r.required_level)
        for r in source.requirements.all()
    )
    return draft


@transaction.atomic
def framework_activate(*, framework: Framework) -> Framework:
    """Make `framework` the one active version; every other version is deactivated in the same
    transaction, so there is never a moment with two (or, once one exists, zero) active versions.

    Refused (nothing changes) when the framework has no proficiency scale or no competencies.
    """
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.levels.exists():
        raise ValidationError(_("A framework without a proficiency scale cannot be activated."))
    if not framework.competencies.exists():
        raise ValidationError(_("A framework without competencies cannot be activated."))
    Framework.objects.select_for_update().filter(is_active=True).exclude(pk=framework.pk).update(is_active=False)
    if not framework.is_active:
        framework.is_active = True
        # In force from today unless it was given a date: figures of earlier dates keep the old version.
        framework.effective_from = framework.effective_from or timezone.localdate()
        framework.save(update_fields=["is_active", "effective_from"])
    return framework


@transaction.atomic
def framework_import(
    *, file, name: str, version: str, effective_from: datetime.date | None = None, notes: str = ""
) -> Framework:
    """Create a new, inactive framework version from a workbook (see competency.imports).

    All or nothing: if the workbook has any error, or the version already exists, a ValidationError
    lists the problems and nothing is written.
    """
    from .imports import framework_workbook_parse

    if Framework.objects.filter(version=version).exists():
        raise ValidationError(_("Version %(version)s already exists.") % {"version": version})
    parsed = framework_workbook_parse(file)
    if not parsed.is_valid:
        raise ValidationError([str(error) for error in parsed.errors])
    framework = Framework.objects.create(name=name, version=version, effective_from=effective_from, notes=notes)
    ProficiencyLevel.objects.bulk_create(ProficiencyLevel(framework=framework, **row) for row in parsed.levels)
    areas = {
        row["code"]: Area.objects.create(framework=framework, **row) for row in parsed.areas
    }
    competencies = {}
    for row in parsed.competencies:
        competencies[row["code"]] = Competency.objects.create(
            framework=framework, area=areas[row["area"]], code=row["code"], name=row["name"],
            description=row["description"], order=row["order"],
        )
    positions = {p.code: p for p in Position.objects.filter(code__in={r["position"] for r in parsed.requirements})}
    Requirement.objects.bulk_create(
        Requirement(
            framework=framework, competency=competencies[row["competency"]], position=positions[row["position"]],
            unit_kind=row["unit_kind"], required_level=row["required_level"],
        )
        for row in parsed.requirements
    )
    return framework


def personal_data_erase(*, cadre: Cadre) -> None:
    """An anonymized cadre's evidence files are deleted (the evidence itself, its level and dates stay,
    so the figures do not change)."""
    for evidence in Evidence.objects.filter(cadre=cadre).exclude(file=""):
        evidence.file.delete(save=False)
        evidence.save(update_fields=["file"])
