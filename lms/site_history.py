"""Wagtail's site history report (/admin/reports/site-history/), its xlsx and csv exports written by
lms.spreadsheets: a page titled `=HYPERLINK(...)` or a user named `+1` comes out as text, never a formula.

Wagtail's own view turns only what openpyxl takes for a formula back into text in the xlsx, and writes the
csv as it is. lms/urls.py routes the report's URL here, ahead of Wagtail's admin URLs; the filters, the
listing and the permissions are Wagtail's.
"""

import datetime

from wagtail.admin.views.reports.audit_logging import LogEntriesView

from .spreadsheets import csv_safe, safe_cell


class SiteHistoryView(LogEntriesView):
    """LogEntriesView whose every exported cell goes through the project's spreadsheet writer."""

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
