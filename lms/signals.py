"""Signals shared across apps (lms imports no app; apps send and receive these).

`records_changed` is sent by a write that can change a board figure but does not go through a model's
own post_save/post_delete (a queryset update, a bulk insert): `on` is the first day whose figures
may change (None: any day), `target_ids` limits it to some targets (None: all). The targets app
listens and marks the stored figures stale (targets.freshness).
"""

from django.dispatch import Signal

records_changed = Signal()  # kwargs: on: datetime.date | None, target_ids: list[int] | None
