"""Signals other apps listen to.

quiz_passed: sent with sender=Quiz and sitting=<Sitting> once, after a sitting is fully marked and
passed (at submission, or after the last essay is marked). Receivers run inside the transaction
that recorded the result; courses uses it to re-check course completion.
"""

from django.dispatch import Signal

quiz_passed = Signal()
