"""Registration only: the labels of the audit trail's actions (lms.audit) in Wagtail's log registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.log_actions import LogFormatter

from .audit import ACTIONS
from .slugs import VietnameseSlugInput

LABELS = {
    "ktlearn.enrollment.create": _("Enrolment: created"),
    "ktlearn.enrollment.change": _("Enrolment: changed"),
    "ktlearn.enrollment.delete": _("Enrolment: deleted"),
    "ktlearn.completion.create": _("Completion: recorded"),
    "ktlearn.completion.delete": _("Completion: deleted"),
    "ktlearn.progress.create": _("Lesson progress: started"),
    "ktlearn.progress.reset": _("Lesson progress: reset"),
    "ktlearn.sitting.submit": _("Quiz sitting: submitted"),
    "ktlearn.sitting.mark": _("Quiz sitting: essay marked"),
    "ktlearn.attendance.change": _("Attendance: marked"),
    "ktlearn.external.create": _("External training: added"),
    "ktlearn.external.change": _("External training: changed"),
    "ktlearn.external.delete": _("External training: deleted"),
    "ktlearn.evidence.create": _("Evidence: added"),
    "ktlearn.evidence.change": _("Evidence: changed"),
    "ktlearn.evidence.delete": _("Evidence: deleted"),
    "ktlearn.certificate.issue": _("Certificate: issued"),
    "ktlearn.certificate.revoke": _("Certificate: revoked"),
    "ktlearn.import": _("Import: confirmed"),
    "ktlearn.personal_data.export": _("Personal data: downloaded"),
    "ktlearn.personal_data.anonymize": _("Personal data: anonymized"),
    "ktlearn.api.write": _("API: records written"),
}
assert set(LABELS) == set(ACTIONS), "every audited action needs a label"


class AuditFormatter(LogFormatter):
    """The message lists what changed: "field: before → after"."""

    def format_message(self, log_entry):
        changes = (log_entry.data or {}).get("changes") or {}
        if not changes:
            return self.label
        parts = [f"{field}: {before if before not in (None, '') else '∅'} → {after if after not in (None, '') else '∅'}"
                 for field, (before, after) in changes.items()]
        return f"{self.label} ({'; '.join(parts)})"


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    for action, label in LABELS.items():
        actions.register_action(action)(type("_AuditFormatter", (AuditFormatter,), {"label": label}))


# ASCII slugs in every admin form (pages' slug, quizzes' URL), Vietnamese letters folded in the editor.
register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})
