"""A cadre's personal data across the apps (Decree 13/2023): what they can download, and what is erased
when they are anonymized.

Each app contributes through two Wagtail hooks, so this module (shared infrastructure) imports no app:

- ``register_personal_data``: ``fn(cadre) -> list[Section]``, the cadre's records in that app;
- ``register_personal_data_erasure``: ``fn(cadre) -> None``, erase that app's copies of the cadre's
  identity (names copied onto certificates, uploaded files) without deleting the records the figures
  count.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.utils.text import capfirst

from .spreadsheets import WorkbookWriter

EXPORT_HOOK = "register_personal_data"
ERASURE_HOOK = "register_personal_data_erasure"


@dataclass
class Section:
    """One sheet of the download: a title, the column headings and the rows."""

    title: str
    header: Sequence[str]
    rows: list[list] = field(default_factory=list)


def _value(instance: Model, name: str):
    value = instance
    for part in name.split("."):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file: its name only, never its content
        return value.name or ""
    if isinstance(value, Model):
        return str(value)
    return value


def _heading(model, name: str) -> str:
    for part in name.split(".")[:-1]:
        model = model._meta.get_field(part).related_model
    last = name.split(".")[-1]
    return capfirst(str(model._meta.get_field(last).verbose_name))


def model_section(title, queryset: QuerySet | Iterable[Model], fields: Sequence, model=None) -> Section:
    """A section listing ``fields`` of each row: a name (dotted through relations; choices as their labels;
    headed by the field's verbose name) or a ``(name, heading)`` pair."""
    model = model or queryset.model
    pairs = [item if isinstance(item, tuple) else (item, None) for item in fields]
    return Section(title=str(title), header=[str(heading or _heading(model, name)) for name, heading in pairs],
                   rows=[[_value(row, name) for name, _heading_ in pairs] for row in queryset])


def collect(cadre) -> list[Section]:
    """Every app's sections for the cadre, in hook order."""
    from wagtail import hooks

    sections = []
    for fn in hooks.get_hooks(EXPORT_HOOK):
        sections.extend(fn(cadre))
    return sections


def erase(cadre) -> None:
    """Run every app's erasure for the cadre (in the caller's transaction)."""
    from wagtail import hooks

    for fn in hooks.get_hooks(ERASURE_HOOK):
        fn(cadre)


def _cell(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)  # Excel keeps no time zone: local time
    if isinstance(value, (datetime.datetime, datetime.date, int, float, str)) or value is None:
        return value
    return str(value)


def workbook(sections: Iterable[Section]) -> bytes:
    """The sections as an .xlsx, one sheet each (cells written by lms.spreadsheets: formulas stay text)."""
    writer = WorkbookWriter()
    used = set()
    for section in sections:
        title = section.title[:28] or "-"
        while title in used:
            title = title[:26] + f"{len(used)}"
        used.add(title)
        sheet = writer.sheet(title, header=section.header, widths=[22] * len(section.header))
        for row in section.rows:
            writer.row(sheet, [_cell(value) for value in row])
    return writer.getvalue()
