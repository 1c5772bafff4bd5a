"""Signals shared across apps (lms imports no app; apps send and receive these).

`records_changed` is sent by a write that can change a board figure but does not go through a model's
own post_save/post_delete (a queryset update, a bulk insert): `on` is the first day whose figures
may change (None: any day), `target_ids` limits it to some targets (None: all). The targets app
listens and marks the stored figures stale (targets.freshness).
"""

import threading
from contextlib import contextmanager

from django.dispatch import Signal

records_changed = Signal()  # kwargs: on: datetime.date | None, target_ids: list[int] | None

# Sent by a service that writes rows with bulk_create (no post_save per row) after the insert, in its
# transaction, with the saved rows (their pks set): `sender` is the model, `instances` the list. An app
# that reacts to each new row of that model on post_save listens to this as well (courses assigns the
# training a new position requires; targets marks the figures stale).
bulk_created = Signal()  # kwargs: instances: list[Model]


# --- Batches of writes ---------------------------------------------------------------------------------

_batch = threading.local()


@contextmanager
def records_batch():
    """Writes inside share their after-commit reactions: a receiver that would react to each write
    (one UPDATE and one refresh per completion, say) gathers them and reacts once when the outermost
    batch ends. Use it inside the transaction of a bulk write (an import, the demo load), so the one
    reaction is registered in that transaction and dropped if it rolls back."""
    depth = getattr(_batch, "depth", 0)
    if depth == 0:
        _batch.at_end = {}
    _batch.depth = depth + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if _batch.depth == 0:
            at_end, _batch.at_end = _batch.at_end, {}
            for callback in at_end.values():
                callback()


def in_records_batch() -> bool:
    return getattr(_batch, "depth", 0) > 0


def at_batch_end(key: str, callback) -> None:
    """Run `callback` once when the current batch ends (the last one given for `key` wins)."""
    _batch.at_end[key] = callback
