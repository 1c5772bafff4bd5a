"""Keeping the stored figures fresh.

Any write that can change a figure (a completion, external training, evidence, a position
assignment, a cadre leaving, a unit moved or merged, a target or framework edited, an import) marks
the figure sets of the affected date and later stale: their `version` goes up. The marking is
gathered per transaction and applied after the commit (a user's transaction never waits on a lock
of the board's rows), then one refresh task is queued through the outbox. The task waits until the
writes have paused for KTLEARN_FIGURES_DEBOUNCE_SECONDS (an import of 3,000 rows gives one
recomputation, not 3,000), then computes again the stale sets that someone looks at: today's (the
period's end, once ended) of every active target, and any set a page or a report asked for in the
last WANTED_DAYS days. Older sets (the trend's past days) are computed again when they are asked for.

Pages show the stored set with its computation time and, while it is stale, "recomputing…".
"""

import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from cms.models import Regulation
from competency.models import Area, Competency, Evidence, Framework, ProficiencyLevel, Requirement
from courses.models import Completion, CoursePage, ExternalTraining, StudyAssignment
from lms import outbox
from lms.signals import at_batch_end, bulk_created, in_records_batch, records_batch, records_changed
from organization.models import Cadre, PositionAssignment, PositionGroup, Unit, UnitPlacement

from .figures import figures_compute
from .models import Criterion, FigureSet, StandardRule, Target

logger = logging.getLogger(__name__)

TASK_NAME = "targets.figures_refresh"
WANTED_DAYS = 7
# A queued refresh older than this is presumed lost (worker gone): the next write queues another.
REFRESH_LEASE = datetime.timedelta(minutes=15)

class _Pending(threading.local):
    """The marks of the writes of the current records batch (lms.signals.records_batch), merged: the
    earliest date and the union of the targets (None meaning every date / every target). Coarser
    than each write alone, never finer, so a merged mark can only mark more sets stale, never fewer."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.any, self.on, self.target_ids = False, None, set()

    def add(self, on, target_ids) -> None:
        if not self.any:
            self.any, self.on, self.target_ids = True, on, None if target_ids is None else set(target_ids)
            return
        self.on = None if on is None or self.on is None else min(self.on, on)
        if target_ids is None or self.target_ids is None:
            self.target_ids = None
        else:
            self.target_ids |= set(target_ids)


_pending = _Pending()


def figures_touch(*, on: datetime.date | None, target_ids=None) -> None:
    """Note that figures of `on` and later (None: every date) of `target_ids` (None: every target)
    may have changed. Applied after the current transaction commits (nothing if it rolls back): one
    small UPDATE of the board's sets, outside the user's transaction. Inside a records batch (an
    import, the demo load) the writes' marks are merged and applied once."""
    ids = None if target_ids is None else list(target_ids)
    if in_records_batch():
        _pending.add(on, ids)
        at_batch_end("targets.figures", _batch_ended)
        return
    transaction.on_commit(lambda: _mark(on=on, target_ids=ids))


def _batch_ended() -> None:
    on, target_ids = _pending.on, _pending.target_ids
    _pending.clear()
    figures_touch(on=on, target_ids=None if target_ids is None else sorted(target_ids))


def _mark(*, on, target_ids) -> int:
    # After the commit: the user's action has succeeded, so a failure here is logged, never raised
    # (the ten-minute refresh and the nightly snapshot still bring the figures up to date).
    try:
        return _mark_sets(on=on, target_ids=target_ids)
    except DatabaseError:
        logger.exception("Marking the board's figures stale failed (from %s)", on)
        return 0


def _mark_sets(*, on, target_ids) -> int:
    sets = FigureSet.objects.all()
    if target_ids is not None:
        sets = sets.filter(target_id__in=target_ids)
    if on is not None:
        sets = sets.filter(on__gte=on)
    now = timezone.now()
    marked = sets.update(version=F("version") + 1, changed_at=now)
    if marked:
        _queue_refresh(now)
    return marked


def _queue_refresh(now) -> None:
    """Queue one refresh task unless one is already waiting (a lease, so a lost one is replaced)."""
    with transaction.atomic():
        waiting = FigureSet.objects.filter(refresh_queued_at__gte=now - REFRESH_LEASE).exists()
        if waiting:
            return
        FigureSet.objects.filter(computed_version__lt=F("version")).update(refresh_queued_at=now)
        outbox.enqueue(TASK_NAME)


def figures_want(figure_set: FigureSet) -> None:
    """A page or a report looks at this set: keep it fresh for WANTED_DAYS, and if it is stale,
    make sure a refresh is on its way."""
    now = timezone.now()
    if figure_set.wanted_at is None or figure_set.wanted_at < now - datetime.timedelta(hours=1):
        FigureSet.objects.filter(pk=figure_set.pk).update(wanted_at=now)
    if figure_set.is_stale:
        _queue_refresh(now)


def _sets_to_refresh(today: datetime.date):
    current = Q(pk__in=[])
    for target in Target.objects.filter(is_active=True).only("pk", "period_end"):
        current |= Q(target_id=target.pk, on=target.figures_date(today))
    wanted = Q(wanted_at__gte=timezone.now() - datetime.timedelta(days=WANTED_DAYS))
    return FigureSet.objects.filter(computed_version__lt=F("version")).filter(current | wanted)


def figures_refresh(*, debounce_seconds: float | None = None) -> dict:
    """Compute again the stale sets that are looked at. Returns {"waited": seconds} when the writes
    have not paused long enough yet (the caller runs it again later), else {"computed": n, "failed": m}."""
    debounce = settings.KTLEARN_FIGURES_DEBOUNCE_SECONDS if debounce_seconds is None else debounce_seconds
    now = timezone.now()
    stale = _sets_to_refresh(timezone.localdate())
    latest = stale.order_by("-changed_at").values_list("changed_at", flat=True).first()
    if debounce and latest and (now - latest).total_seconds() < debounce:
        return {"waited": debounce - (now - latest).total_seconds()}
    # From here on a new write queues a new refresh (this one may have read before it).
    FigureSet.objects.filter(refresh_queued_at__isnull=False).update(refresh_queued_at=None)
    computed = failed = 0
    for figure_set in list(stale.select_related("target")):
        try:
            figures_compute(target=figure_set.target, on=figure_set.on, force=False)
            computed += 1
        except Exception:  # one bad target does not keep the others stale
            logger.exception("Refreshing the figures of target %s on %s failed", figure_set.target_id, figure_set.on)
            failed += 1
    return {"computed": computed, "failed": failed}


# --- What marks figures stale -------------------------------------------------------------------------------------

def _date_of(instance, *fields):
    days = [getattr(instance, name, None) for name in fields]
    days = [day for day in days if isinstance(day, datetime.date)]
    return min(days) if days else None


def _competent_target_ids():
    """The targets that read the framework and the evidence: 'competent' and 'standard' ones."""
    return list(Target.objects.filter(criterion__in=(Criterion.COMPETENT, Criterion.STANDARD))
                .values_list("pk", flat=True))


def _on_standards_record(sender, instance, raw=False, **kwargs):
    """A cadre's grade or theory level, a rule, a course's 'professional' mark: the targets reading them."""
    if raw:
        return
    if sender is Cadre:
        figures_touch(on=None, target_ids=list(Target.objects.filter(criterion=Criterion.STANDARD)
                                               .values_list("pk", flat=True)))
    elif sender is StandardRule:
        figures_touch(on=None, target_ids=[instance.target_id])
    elif sender is CoursePage:
        figures_touch(on=None, target_ids=list(Target.objects.filter(professional_only=True)
                                               .values_list("pk", flat=True)))


for _model in (Cadre, StandardRule, CoursePage):
    post_save.connect(_on_standards_record, sender=_model, dispatch_uid=f"targets.figures.std.save.{_model.__name__}")
    post_delete.connect(_on_standards_record, sender=_model,
                        dispatch_uid=f"targets.figures.std.delete.{_model.__name__}")


def _on_group_m2m(sender, instance, action, pk_set=None, **kwargs):
    """A position joins or leaves a group: the targets counting that group."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    groups = [instance.pk] if isinstance(instance, PositionGroup) else list(pk_set or [])
    if not isinstance(instance, PositionGroup) and action == "post_clear":
        groups = list(PositionGroup.objects.values_list("pk", flat=True))
    figures_touch(on=None, target_ids=list(Target.objects.filter(position_groups__in=groups)
                                           .values_list("pk", flat=True).distinct()))


m2m_changed.connect(_on_group_m2m, sender=PositionGroup.positions.through, dispatch_uid="targets.figures.m2m.groups")


def _acknowledged_target_ids():
    return list(Target.objects.filter(criterion=Criterion.ACKNOWLEDGED).values_list("pk", flat=True))


def _on_record(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if sender is Completion:
        figures_touch(on=_date_of(instance, "completed_on"))
    elif sender is ExternalTraining:
        figures_touch(on=_date_of(instance, "end_on"))
    elif sender is Evidence:
        figures_touch(on=_date_of(instance, "obtained_on"), target_ids=_competent_target_ids())
    elif sender is PositionAssignment:
        figures_touch(on=_date_of(instance, "start_date"))
    elif sender is UnitPlacement:
        figures_touch(on=_date_of(instance, "valid_from"))
    elif sender is Unit:
        figures_touch(on=None)  # a new unit, a kind changed: every date
    elif sender in (Framework, ProficiencyLevel, Area, Competency, Requirement):
        figures_touch(on=None, target_ids=_competent_target_ids())
    elif sender is StudyAssignment:
        if instance.acknowledged_on is None:
            return  # assigned, not studied yet: no figure changes
        figures_touch(on=_date_of(instance, "acknowledged_on"), target_ids=_acknowledged_target_ids())
    elif sender is Regulation:
        figures_touch(on=None, target_ids=_acknowledged_target_ids())  # its date of issue may have changed
    elif sender is Target:
        figures_touch(on=None, target_ids=[instance.pk])


_TRACKED_MODELS = (Completion, ExternalTraining, Evidence, PositionAssignment, UnitPlacement, Unit, Framework,
                   ProficiencyLevel, Area, Competency, Requirement, Target, StudyAssignment, Regulation)
for _model in _TRACKED_MODELS:
    post_save.connect(_on_record, sender=_model, dispatch_uid=f"targets.figures.save.{_model.__name__}")
    post_delete.connect(_on_record, sender=_model, dispatch_uid=f"targets.figures.delete.{_model.__name__}")


def _on_bulk_created(sender, instances, **kwargs):
    """Rows written with bulk_create (lms.signals.bulk_created): as many saves, one merged mark."""
    if sender not in _TRACKED_MODELS:
        return
    with records_batch():
        for instance in instances:
            _on_record(sender, instance)


bulk_created.connect(_on_bulk_created, dispatch_uid="targets.figures.bulk_created")


def _on_target_m2m(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Target):
        figures_touch(on=None, target_ids=[instance.pk])


for _through in (Target.positions.through, Target.required_courses.through, Target.regulations.through,
                 Target.chair_courses.through, Target.position_groups.through):
    m2m_changed.connect(_on_target_m2m, sender=_through, dispatch_uid=f"targets.figures.m2m.{_through.__name__}")


def _on_records_changed(sender, on=None, target_ids=None, **kwargs):
    figures_touch(on=on, target_ids=target_ids)


records_changed.connect(_on_records_changed, dispatch_uid="targets.figures.records_changed")
