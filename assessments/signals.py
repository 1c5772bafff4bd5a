"""Signals other apps listen to.

quiz_passed: sent with sender=Quiz and sitting=<Sitting> once, after a sitting is fully marked and
passed (at submission, or after the last essay is marked). Receivers run inside the transaction
that recorded the result; courses uses it to re-check course completion.

sitting_marked: sent with sender=Quiz and sitting=<Sitting> when a marker marks the last essay of a
sitting, so its result (passed or not) is known; courses tells the cadre. Also inside the transaction.
"""

from django.dispatch import Signal

quiz_passed = Signal()
sitting_marked = Signal()
