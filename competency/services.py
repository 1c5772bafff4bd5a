"""Writes for the competency framework. Other apps record evidence through `evidence_record` only."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organization.models import Cadre

from .models import Competency, Evidence, EvidenceSource


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
) -> Evidence:
    """Record that `cadre` reached `level` of `competency`.

    Guarantees: the level lies on the framework's scale; with a `source_ref` (e.g. "quiz-sitting:42")
    the same fact recorded twice, even concurrently, yields one row (the existing one is returned,
    updated to the higher level if the new record is higher); manual assessments need an assessor
    and a note, prior learning needs a file.
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

    fields = {"level": level, "obtained_on": obtained_on, "expires_on": expires_on, "note": note,
              "assessor": assessor}
    if source_ref:
        existing = Evidence.objects.filter(
            cadre=cadre, competency=competency, source=source, source_ref=source_ref
        ).first()
        if existing:
            if level > existing.level:
                existing.level = level
                existing.save(update_fields=["level"])
            return existing
        try:
            with transaction.atomic():
                return Evidence.objects.create(
                    cadre=cadre, competency=competency, source=source, source_ref=source_ref, file=file or "",
                    **fields,
                )
        except IntegrityError:
            return Evidence.objects.get(cadre=cadre, competency=competency, source=source, source_ref=source_ref)
    return Evidence.objects.create(cadre=cadre, competency=competency, source=source, file=file or "", **fields)
