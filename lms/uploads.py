"""One check for every file a user uploads into a private record (evidence, external training,
rotation decisions): an allowed list of types per kind, checked by the file's content (its first
bytes, and for the zip-based office formats the parts inside), a size limit, and for images a
pixel limit read from the header before anything is decoded (a decompression bomb of 900
megapixels is refused without being inflated), then Pillow's own verification.

HTML, SVG, executables and anything whose content does not match an allowed type are refused,
whatever their name says. Spreadsheets (imports, attendance, question banks) are checked by
lms.spreadsheets, which this module reuses for the .xlsx kind.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000  # a 300 dpi A4 scan is about 9 megapixels

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_pdf(head: bytes, data: bytes) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, data: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, data: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_doc(head: bytes, data: bytes) -> bool:
    return head.startswith(_OLE)


def _zip_names(data: bytes) -> set[str]:
    if not data.startswith(b"PK\x03\x04"):
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def _is_docx(head: bytes, data: bytes) -> bool:
    names = _zip_names(data)
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_odt(head: bytes, data: bytes) -> bool:
    return b"mimetypeapplication/vnd.oasis.opendocument.text" in head[:100] and "content.xml" in _zip_names(data)


def _is_xlsx(head: bytes, data: bytes) -> bool:
    from lms.spreadsheets import SpreadsheetError, check_content

    try:
        check_content("xlsx", data)
    except SpreadsheetError:
        return False
    return True


# extension -> (content check, is an image)
TYPES = {
    "pdf": (_is_pdf, False),
    "png": (_is_png, True),
    "jpg": (_is_jpeg, True),
    "jpeg": (_is_jpeg, True),
    "doc": (_is_doc, False),
    "docx": (_is_docx, False),
    "odt": (_is_odt, False),
    "xlsx": (_is_xlsx, False),
}


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload may be: its extensions and the setting naming its size limit."""

    label: str
    extensions: tuple[str, ...]
    max_bytes_setting: str = "KTLEARN_UPLOAD_MAX_BYTES"

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting, None) or getattr(
            settings, "KTLEARN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)

    def allowed(self) -> str:
        return ", ".join(f".{ext}" for ext in self.extensions)


EVIDENCE = UploadKind("evidence", ("pdf", "jpg", "jpeg", "png"))
EXTERNAL_TRAINING = UploadKind("external training", ("pdf", "jpg", "jpeg", "png"))
QUESTION_FIGURE = UploadKind("question figure", ("jpg", "jpeg", "png"))
DECISION = UploadKind("decision", ("pdf", "doc", "docx", "odt", "jpg", "jpeg", "png"),
                      "KTLEARN_DECISION_FILE_MAX_BYTES")


def max_image_pixels() -> int:
    return getattr(settings, "KTLEARN_UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def _check_image(data: bytes, name: str) -> None:
    from PIL import Image

    limit = max_image_pixels()
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    _("“%(name)s” is %(width)s × %(height)s pixels; images may have at most %(limit)s "
                      "megapixels.") % {"name": name, "width": width, "height": height,
                                        "limit": limit // 1_000_000},
                    code="pixels")
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” is too large an image: images may have at most %(limit)s megapixels.")
            % {"name": name, "limit": limit // 1_000_000}, code="pixels") from None
    except Exception:  # noqa: BLE001 - any decoding failure means a broken or fake image
        raise ValidationError(_("“%(name)s” is not a readable image.") % {"name": name}, code="content") from None


def validate_upload(upload, kind: UploadKind) -> None:
    """Raise ValidationError (a Vietnamese message through gettext) unless `upload` is an allowed
    file of `kind`. Files already stored (not a fresh upload) pass: they were checked then."""
    if not upload or getattr(upload, "_committed", False) or not hasattr(upload, "size"):
        return
    name = (upload.name or "").rsplit("/", 1)[-1]
    limit = kind.max_bytes
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="size")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in kind.extensions:
        raise ValidationError(
            _("“%(name)s” is not an allowed file type. Upload one of %(types)s.")
            % {"name": name, "types": kind.allowed()}, code="type")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    check, is_image = TYPES[extension]
    if not check(data[:2048], data):
        raise ValidationError(
            _("The content of “%(name)s” is not a real .%(ext)s file. Upload one of %(types)s.")
            % {"name": name, "ext": extension, "types": kind.allowed()}, code="content")
    if is_image:
        _check_image(data, name)


def validator(kind: UploadKind):
    """A model/form field validator for `kind` (deconstructible by path for migrations)."""
    return _VALIDATORS[kind.label]


def validate_evidence(value):
    validate_upload(value, EVIDENCE)


def validate_external_training(value):
    validate_upload(value, EXTERNAL_TRAINING)


def validate_decision(value):
    validate_upload(value, DECISION)


def validate_question_figure(value):
    validate_upload(value, QUESTION_FIGURE)


_VALIDATORS = {QUESTION_FIGURE.label: validate_question_figure,
               EVIDENCE.label: validate_evidence, EXTERNAL_TRAINING.label: validate_external_training,
               DECISION.label: validate_decision}
