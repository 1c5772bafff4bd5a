"""The documents library's upload form: a size limit, and videos that really are MP4 or WebM.

Wagtail uses it through WAGTAILDOCS_DOCUMENT_FORM_BASE (settings/base.py). The extension list
(WAGTAILDOCS_EXTENSIONS) already refuses other file types with Wagtail's own message.
"""

import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

VIDEO_MIME_BY_EXTENSION = {"mp4": {"video/mp4", "video/quicktime"}, "webm": {"video/webm", "video/x-matroska"}}


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or not hasattr(upload, "size"):
            return upload
        limit = settings.KTLEARN_DOCUMENT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; files may be at most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension in VIDEO_MIME_BY_EXTENSION:
            upload.seek(0)
            kind = filetype.guess(upload.read(8192))
            upload.seek(0)
            if kind is None or kind.mime not in VIDEO_MIME_BY_EXTENSION[extension]:
                raise forms.ValidationError(
                    _("“%(name)s” is not a real %(ext)s video. Upload an MP4 or WebM video file.")
                    % {"name": upload.name, "ext": extension.upper()}
                )
        return upload

