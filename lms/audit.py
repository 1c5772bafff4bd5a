"""The audit trail of training records, kept in Wagtail's own log (ModelLogEntry), not a table of our own.

Every entry written here has an action named ``ktlearn.<...>`` (labels registered in lms/wagtail_hooks.py)
and carries in its ``data``:

- ``before`` / ``after``: the audited fields' values (JSON-safe) before and after the change;
- ``changes``: ``{field: [before, after]}`` for the fields that differ;
- ``cadre_id``: the cadre whose record it is, so a cadre's history and the scoped site history can find it;
- ``actor``: ``"system"`` when no user did it (a task, a command), else the user's name;
- anything else the caller passes (an import's file name and row counts, for instance).

Auditing never breaks the user's action: a failure to write the entry is logged and swallowed. It is
written in the caller's transaction, inside a savepoint, so a rolled-back change leaves no entry and a
failed entry does not poison the caller's transaction.

This module is shared infrastructure: it imports no app (pyproject.toml's import-linter contract).
"""

from __future__ import annotations

import datetime
import decimal
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import BigIntegerField, DecimalField, Model, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

logger = logging.getLogger("ktlearn.audit")

SYSTEM = "system"

# The audited actions and their labels. The labels are registered with Wagtail's log registry by
# lms/wagtail_hooks.py (translated there); the keys are the only action names audit_record accepts.
ACTIONS = (
    "ktlearn.enrollment.create",
    "ktlearn.enrollment.change",
    "ktlearn.enrollment.delete",
    "ktlearn.completion.create",
    "ktlearn.completion.delete",
    "ktlearn.progress.create",
    "ktlearn.progress.reset",
    "ktlearn.sitting.submit",
    "ktlearn.sitting.mark",
    "ktlearn.attendance.change",
    "ktlearn.external.create",
    "ktlearn.external.change",
    "ktlearn.external.delete",
    "ktlearn.evidence.create",
    "ktlearn.evidence.change",
    "ktlearn.evidence.delete",
    "ktlearn.certificate.issue",
    "ktlearn.certificate.revoke",
    "ktlearn.import",
    "ktlearn.personal_data.export",
    "ktlearn.personal_data.anonymize",
    "ktlearn.api.write",
)


def json_value(value):
    """A value as JSON can keep it: dates as ISO strings, decimals as strings, files as their names."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_value(v) for v in value]
    return str(value)


def snapshot(instance: Model | None, fields: Iterable[str]) -> dict | None:
    """The named fields of an instance as a JSON-safe dict (a foreign key by its ``<name>_id``)."""
    if instance is None:
        return None
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, getattr(field, "attname", name))
        if isinstance(field, DecimalField) and value is not None:
            # A form's "24" and the database's 24.0 are the same value: compare them at the field's places.
            value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        values[name] = json_value(value)
    return values


def diff(before: dict | None, after: dict | None) -> dict:
    """``{field: [before, after]}`` for every field whose value differs (a missing side is None)."""
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted({*before, *after})
        if before.get(key) != after.get(key)
    }


def audit_record(*, instance: Model, action: str, user=None, before: dict | None = None,
                 after: dict | None = None, data: dict | None = None, cadre_id: int | None = None,
                 title: str = ""):
    """Write one audit entry for ``instance`` in Wagtail's log and return it (None if it failed).

    Guarantees: the user's action is never broken by the audit (a failure is logged at ERROR and
    swallowed); the entry is written in the caller's transaction (inside a savepoint), so it commits
    and rolls back with the change it describes; ``user`` None is the user of the Wagtail admin
    request under way, if any, else recorded as the system.
    ``cadre_id`` defaults to ``instance.cadre_id`` when the instance has one; ``title`` (the entry's
    label) to ``str(instance)``.
    """
    from wagtail.log_actions import get_active_log_context, log

    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    # Inside a Wagtail admin request Wagtail's log would name its user anyway: say so in `actor` too.
    user = user or get_active_log_context().user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    payload = _payload(instance=instance, user=user, before=before, after=after, data=data, cadre_id=cadre_id)
    try:
        with transaction.atomic():
            return log(instance=instance, action=action, user=user, data=payload, title=title or None,
                       content_changed=action not in ("ktlearn.personal_data.export",))
    except (DatabaseError, ValueError, TypeError):
        logger.exception("Could not write the audit entry %s for %r", action, instance)
        return None


def _payload(*, instance, user, before, after, data, cadre_id) -> dict:
    if cadre_id is None:
        cadre_id = getattr(instance, "cadre_id", None)
    payload = {
        **json_value(data or {}),
        "before": json_value(before),
        "after": json_value(after),
        "changes": json_value(diff(before, after)),
        "actor": user.get_username() if user is not None else SYSTEM,
    }
    if cadre_id is not None:
        payload["cadre_id"] = cadre_id
    return payload


def audit_created(*, instances: Iterable[Model], action: str, fields: Iterable[str], user=None,
                  data: dict | None = None) -> int:
    """One creation entry per instance (its ``fields`` as ``after``), written in one bulk insert, for
    the set-based writes (the nightly sweeps) where one log call per row would cost a query each.
    The same guarantees as audit_record: same transaction, a failure is logged, never raised.
    Pass instances with the relations their ``str()`` reads already selected. Returns how many."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    fields, now, rows = tuple(fields), timezone.now(), []
    for instance in instances:
        content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        rows.append(ModelLogEntry(
            content_type=content_type, object_id=str(instance.pk), label=str(instance), action=action,
            timestamp=now, user=user, content_changed=True,
            data=_payload(instance=instance, user=user, before=None, after=snapshot(instance, fields), data=data,
                          cadre_id=None),
        ))
    try:
        with transaction.atomic():
            ModelLogEntry.objects.bulk_create(rows, batch_size=500)
    except (DatabaseError, ValueError, TypeError):
        logger.exception("Could not write %s audit entries %s", len(rows), action)
        return 0
    return len(rows)


def cadre_ref():
    """The entry's ``data.cadre_id`` as an integer expression (NULL when absent), for filtering."""
    return Cast(KeyTextTransform("cadre_id", "data"), BigIntegerField())


def entries_about_cadres(cadres: QuerySet) -> Q:
    """Log entries about these cadres' training records (``data.cadre_id``; needs ``audit_cadre``)."""
    return Q(audit_cadre__in=cadres.order_by().values("pk"))


def entries_of(model) -> Q:
    """Every log entry about objects of ``model`` (including deleted ones)."""
    from django.contrib.contenttypes.models import ContentType

    return Q(content_type=ContentType.objects.get_for_model(model, for_concrete_model=False))


def entries_about(objects: QuerySet) -> Q:
    """Log entries whose object is one of ``objects`` (same content type, object_id among their ids)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField

    content_type = ContentType.objects.get_for_model(objects.model, for_concrete_model=False)
    ids = objects.order_by().annotate(audit_pk=Cast("pk", CharField())).values("audit_pk")
    return Q(content_type=content_type, object_id__in=ids)


# --- Who may read which entries ------------------------------------------------------------------------

SCOPE_HOOK = "register_audit_scope"


@dataclass(frozen=True)
class AuditScope:
    """What one app says about the log entries of its models, for one user.

    ``models``: the app's models whose entries are personal or training records; Wagtail's
    model-permission rule no longer applies to them, only ``visible``. ``visible``: a Q over log
    entries (annotated with ``audit_cadre``) the user may read, None for none beyond their own actions.
    ``unrestricted``: the user reads every entry (an administrator).
    """

    models: tuple = ()
    visible: Q | None = None
    unrestricted: bool = False


def _permitted_content_type_ids(user) -> set[int]:
    from django.contrib.auth.models import Permission

    cached = getattr(user, "_ktlearn_permitted_content_types", None)
    if cached is not None:
        return cached
    perms = user.get_all_permissions()
    user._ktlearn_permitted_content_types = {
        ct_id
        for ct_id, app_label, codename in Permission.objects.values_list(
            "content_type_id", "content_type__app_label", "codename")
        if f"{app_label}.{codename}" in perms
    }
    return user._ktlearn_permitted_content_types


def visible_log_entries(log_model, user) -> QuerySet:
    """The entries of ``log_model`` the user may read, annotated with ``audit_cadre``.

    Administrators read all. Anyone else reads their own actions, the entries the apps' scopes
    (the ``register_audit_scope`` hook) grant them — a manager their subtree's units, cadres,
    rotations and records, the board the province's — and, for models no app scopes (reference
    data, question banks, pages), what Wagtail's permission rule grants. Anonymous users read none.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail import hooks
    from wagtail.models import ModelLogEntry

    queryset = log_model.objects.all()
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if not issubclass(log_model, ModelLogEntry):
        return log_model.objects.viewable_by_user(user)
    scopes = [fn(user) for fn in hooks.get_hooks(SCOPE_HOOK)]
    if any(scope.unrestricted for scope in scopes):
        return queryset
    scoped_models = [model for scope in scopes for model in scope.models]
    scoped_ids = {ct.pk for ct in ContentType.objects.get_for_models(*scoped_models).values()}
    condition = Q(user=user) | Q(
        content_type_id__in=_permitted_content_type_ids(user) - scoped_ids)
    for scope in scopes:
        if scope.visible is not None:
            condition |= scope.visible
    return queryset.annotate(audit_cadre=cadre_ref()).filter(condition)


# --- Wagtail admin views that audit what they save ------------------------------------------------------


class AuditedCreateMixin:
    """A Wagtail CreateView writing a ``ktlearn.*`` entry (with the new values) instead of wagtail.create.
    Set ``audit_fields`` and ``audit_actions = {"create": ..., "change": ..., "delete": ...}``."""

    audit_fields: tuple = ()
    audit_actions: dict = {}

    def save_instance(self):
        self.action_class(self.form.instance, user=self.request.user, form=self.form, log_action=False,
                          sort_order_field=None).execute(skip_permission_checks=True)
        instance = self.form.instance
        audit_record(instance=instance, action=self.audit_actions["create"], user=self.request.user,
                     after=snapshot(instance, self.audit_fields))
        return instance


class AuditedEditMixin:
    """A Wagtail EditView writing a ``ktlearn.*`` entry with the values before and after the change."""

    audit_fields: tuple = ()
    audit_actions: dict = {}

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.audit_before = snapshot(obj, self.audit_fields)
        return obj

    def save_instance(self):
        self.action_class(self.form.instance, user=self.request.user, form=self.form,
                          log_action=False).execute(skip_permission_checks=True)
        instance = self.form.instance
        audit_record(instance=instance, action=self.audit_actions["change"], user=self.request.user,
                     before=self.audit_before, after=snapshot(instance, self.audit_fields))
        return instance


class AuditedDeleteMixin:
    """A Wagtail DeleteView writing a ``ktlearn.*`` entry with the values the deleted object had."""

    audit_fields: tuple = ()
    audit_actions: dict = {}

    def delete_action(self):
        instance = self.object
        pk, before = instance.pk, snapshot(instance, self.audit_fields)
        cadre_id = getattr(instance, "cadre_id", None)
        with transaction.atomic():
            self.action_class(instance, user=self.request.user, log_action=False).execute(
                skip_permission_checks=True)
            instance.pk = pk  # Django clears it on delete; the entry names the deleted object
            audit_record(instance=instance, action=self.audit_actions["delete"], user=self.request.user,
                         before=before, after=None, cadre_id=cadre_id)


# --- Reading an entry back --------------------------------------------------------------------------------


def _display(field, value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    choices = dict(getattr(field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if field is not None and field.is_relation:
        return f"#{value}"
    return str(value)


def entry_changes(entry) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each changed field of an entry, in words: the model's verbose
    field names and choice labels (a deleted record's fields show before → —)."""
    data = entry.data or {}
    changes = data.get("changes")
    if changes is None:
        return []
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, (before, after) in changes.items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a field removed since the entry was written
                field = None
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        rows.append((label, _display(field, before), _display(field, after)))
    return rows


def entry_actor(entry) -> str:
    """Who did it: the user's full name (or login), else the system."""
    from django.utils.translation import gettext

    if entry.user_id and entry.user is not None:
        return entry.user.get_full_name() or entry.user.get_username()
    if (entry.data or {}).get("actor") not in (None, SYSTEM):
        return entry.data["actor"]
    return gettext("System")


def entry_action_label(entry) -> str:
    from wagtail.log_actions import registry

    formatter = registry.get_formatter(entry)
    return str(formatter.label) if formatter else entry.action


# --- Erasure ----------------------------------------------------------------------------------------------


def _scrub(value, fields: dict, texts: list):
    if isinstance(value, dict):
        return {key: fields[key] if key in fields and item not in (None, "") else _scrub(item, fields, texts)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, fields, texts) for item in value]
    if isinstance(value, str):
        for pattern, new in texts:
            value = pattern.sub(new, value)
    return value


def entries_scrub(entries: QuerySet, *, fields: dict, texts: dict, actors: dict | None = None) -> int:
    """Erase a person's identity from audit entries (Decree 13/2023) — the one change ever made to an
    entry, done by organization.services.cadre_anonymize, never from a screen. Each ``fields`` key in
    the data (before, after, changes: both sides) takes its replacement value; every ``texts`` old
    string (a name, a code, an e-mail) is replaced as a whole word by its new one in the label and
    the data; an ``actors`` old login recorded as the actor takes its new one. Actions, times and
    the acting users stay. Returns the number of entries rewritten."""
    import re

    patterns = [(re.compile(rf"(?<![\w@.-]){re.escape(old)}(?![\w@-])"), new) for old, new in texts.items() if old]
    actors = {old: new for old, new in (actors or {}).items() if old}
    count = 0
    for entry in entries.iterator():
        data = _scrub(dict(entry.data or {}), fields, patterns)
        if isinstance(data.get("changes"), dict):
            data["changes"] = {name: [fields[name], fields[name]] if name in fields else pair
                               for name, pair in data["changes"].items()}
        if data.get("actor") in actors:
            data["actor"] = actors[data["actor"]]
        entry.label, entry.data = _scrub(entry.label, {}, patterns), data
        entry.save(update_fields=["label", "data"])
        count += 1
    return count
