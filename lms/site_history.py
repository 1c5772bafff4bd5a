"""Wagtail's site history report (/admin/reports/site-history/), its xlsx and csv exports written by
lms.spreadsheets: a page titled `=HYPERLINK(...)` or a user named `+1` comes out as text, never a formula.

Wagtail's own view turns only what openpyxl takes for a formula back into text in the xlsx, and writes the
csv as it is. lms/urls.py routes the report's URL here, ahead of Wagtail's admin URLs; the filters, the
listing are Wagtail's; which entries a user reads is lms.audit.visible_log_entries (a manager their
subtree and their own actions, the board the province's training records, administrators all), also for
the filters' choices of users, types and actions.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Value
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry

from .audit import visible_log_entries
from .spreadsheets import csv_safe, safe_cell


def _visible(user):
    return [visible_log_entries(log_model, user) for log_model in log_action_registry.get_log_entry_models()]


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The report's filters offer only the users, types and actions of entries the user may read."""

    def get_action_choices(self):
        used = set()
        for queryset in _visible(self.request.user):
            used.update(queryset.order_by().values_list("action", flat=True).distinct())
        return [choice for choice in log_action_registry.get_choices() if choice[0] in used]

    def get_users_queryset(self):
        ids = set()
        for queryset in _visible(self.request.user):
            ids.update(queryset.order_by().exclude(user_id=None).values_list("user_id", flat=True).distinct())
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = set()
        for queryset in _visible(self.request.user):
            ids.update(queryset.order_by().values_list("content_type_id", flat=True).distinct())
        self.filters["object_type"].queryset = ContentType.objects.filter(pk__in=ids).order_by("model")


class SiteHistoryView(LogEntriesView):
    """LogEntriesView scoped to what the user may read, whose every exported cell goes through the
    project's spreadsheet writer."""

    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        # Wagtail's own method with its per-model viewable_by_user replaced by the project's scoping.
        queryset = None
        self.log_models = list(log_action_registry.get_log_entry_models())
        for index, log_model in enumerate(self.log_models):
            sub_queryset = (
                visible_log_entries(log_model, self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp")

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for field, value in row_dict.items():
            number_format = date_format if isinstance(value, datetime.datetime) else None
            yield safe_cell(worksheet, self.preprocess_field_value(field, value, self.FORMAT_XLSX),
                            number_format=number_format)

    def write_csv_row(self, writer, row_dict):
        return writer.writerow({
            field: csv_safe(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        })
