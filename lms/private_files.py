"""Private files: reports, evidence, external-training files, rotation decisions and certificates.

They are stored in the `private` storage (settings.STORAGES["private"]): by default a folder
outside MEDIA_ROOT (PRIVATE_MEDIA_ROOT) that no web server serves; with KTLEARN_PRIVATE_STORAGE=s3
an S3-compatible bucket with a private ACL. Names are unguessable (a random 128-bit token per
file). Only the scoped views of each app open them, through `serve`:

- S3: a redirect to a signed URL that expires after KTLEARN_PRIVATE_URL_SECONDS;
- KTLEARN_PRIVATE_ACCEL_PREFIX set (production behind nginx): an empty response whose
  `X-Accel-Redirect` names the file under an `internal` nginx location, so Python does not stream;
- otherwise the file is streamed by Django.

Every answer is an attachment with `X-Content-Type-Options: nosniff`, so an HTML or SVG file
would never be rendered in the site's origin.
"""

from __future__ import annotations

import mimetypes
import posixpath
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.db import models
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT; its files have no public URL."""

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, base_url=None, **kwargs)
        setting_changed.connect(self._private_setting_changed)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _private_setting_changed(self, setting, **kwargs):
        if setting == "PRIVATE_MEDIA_ROOT":
            for name in ("base_location", "location"):
                self.__dict__.pop(name, None)

    def url(self, name):
        raise ValueError("Private files have no public URL: link to the scoped view that serves them.")


def private_storage():
    """The storage of private files (a callable, so tests and settings can swap it)."""
    return storages["private"]


@deconstructible
class PrivateUploadTo:
    """upload_to for private files: `<folder>/<year>/<random token>.<ext>`; the name the user gave
    is not part of the stored name (it may hold a cadre's name)."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        from django.utils import timezone

        extension = posixpath.splitext(filename)[1].lower()[:10]
        return f"{self.folder}/{timezone.now():%Y}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.folder == self.folder


def _is_s3(storage) -> bool:
    return type(storage).__module__.startswith("storages.backends.s3")


def serve(request, fieldfile, *, filename: str | None = None, inline: bool = False):
    """Answer with the file of a FieldFile the caller has already checked the user may read."""
    if not fieldfile:
        raise Http404
    storage = fieldfile.storage
    name = fieldfile.name
    download_name = filename or posixpath.basename(name)
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    if content_type in ("text/html", "image/svg+xml", "application/xhtml+xml"):
        inline = False
    disposition = "inline" if inline else "attachment"
    disposition_header = f"{disposition}; filename*=UTF-8''{quote(download_name)}"
    if _is_s3(storage):
        url = storage.url(name, parameters={
            "ResponseContentDisposition": disposition_header,
            "ResponseContentType": content_type,
        }, expire=settings.KTLEARN_PRIVATE_URL_SECONDS)
        response = HttpResponseRedirect(url)
    else:
        if not storage.exists(name):
            raise Http404
        prefix = getattr(settings, "KTLEARN_PRIVATE_ACCEL_PREFIX", "")
        if prefix:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + name)
        else:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        response["Content-Disposition"] = disposition_header
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def move_to_private(model, field_names: list[str], folders: dict[str, str]):
    """Data-migration helper: move the files of `model`'s `field_names` that still sit in the
    public default storage (MEDIA_ROOT) into the private storage under an unguessable name, and
    point the rows at them. Rows whose file is already private, or missing, are left as they are.
    Returns the number of files moved."""
    public, private = storages["default"], private_storage()
    moved = 0
    for row in model._default_manager.all().iterator():
        changed = []
        for field in field_names:
            name = getattr(row, field).name
            if not name or not public.exists(name):
                continue
            with public.open(name, "rb") as source:
                new_name = private.save(PrivateUploadTo(folders[field])(row, name), source)
            public.delete(name)
            setattr(row, field, new_name)
            changed.append(field)
            moved += 1
        if changed:
            row.save(update_fields=changed)
    return moved


def move_to_public(model, field_names: list[str]):
    """The reverse of move_to_private (downgrade): put the files back under MEDIA_ROOT."""
    public, private = storages["default"], private_storage()
    for row in model._default_manager.all().iterator():
        changed = []
        for field in field_names:
            name = getattr(row, field).name
            if not name or not private.exists(name):
                continue
            with private.open(name, "rb") as source:
                new_name = public.save(name, source)
            private.delete(name)
            setattr(row, field, new_name)
            changed.append(field)
        if changed:
            row.save(update_fields=changed)


# --- Fields whose `.url` is the scoped view -------------------------------------------------------

# "app_label.modelname" -> can_read(user, instance) -> bool; each app registers its rule.
_READ_RULES: dict = {}
# Labels whose files are shown in the page (raster images checked by content on upload), not downloaded.
_INLINE: set = set()
INLINE_TYPES = ("image/png", "image/jpeg")


def register(model_label: str, can_read, *, inline_images: bool = False) -> None:
    """Name who may read the private files of `model_label`: `can_read(user, instance)`. With
    `inline_images`, PNG and JPEG files are answered inline (an <img> in a page), anything else
    still as an attachment."""
    _READ_RULES[model_label.lower()] = can_read
    if inline_images:
        _INLINE.add(model_label.lower())


def can_read(user, instance) -> bool:
    rule = _READ_RULES.get(instance._meta.label_lower)
    return bool(user.is_authenticated and rule is not None and rule(user, instance))


class PrivateFieldFile(models.fields.files.FieldFile):
    @property
    def url(self):
        from django.urls import reverse

        self._require_file()
        instance = self.instance
        return reverse("private_file", args=[instance._meta.label_lower, instance.pk, self.field.attname])


class PrivateFileField(models.FileField):
    """A FileField in the private storage, named `<folder>/<year>/<token>.<ext>`, whose `.url` is
    the scoped view /files/<app.model>/<pk>/<field>/ (so templates and admin widgets link there)."""

    attr_class = PrivateFieldFile

    def __init__(self, *args, folder: str = "private", **kwargs):
        self.folder = folder
        kwargs.setdefault("upload_to", PrivateUploadTo(folder))
        kwargs.setdefault("storage", private_storage)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("upload_to", None)
        kwargs.pop("storage", None)
        if kwargs.get("max_length") == 200:
            kwargs.pop("max_length")
        kwargs["folder"] = self.folder
        return name, path, args, kwargs


def private_file_view(request, label: str, pk: int, field: str):
    """Serve one private file to a user the owning app's rule allows; 404 for everyone else
    (anonymous users are sent to the login page)."""
    from django.apps import apps
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import get_object_or_404

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if label not in _READ_RULES:
        raise Http404
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    model_field = next((f for f in model._meta.concrete_fields if f.attname == field), None)
    if not isinstance(model_field, PrivateFileField):
        raise Http404
    instance = get_object_or_404(model, pk=pk)
    if not can_read(request.user, instance):
        raise Http404
    fieldfile = getattr(instance, field)
    name = download_name(instance, fieldfile)
    inline = label in _INLINE and mimetypes.guess_type(name)[0] in INLINE_TYPES
    return serve(request, fieldfile, filename=name, inline=inline)


def download_name(instance, fieldfile) -> str:
    """The name a downloaded file gets: the model's own `private_download_name(field)` when it has
    one, else the stored name."""
    namer = getattr(instance, "private_download_name", None)
    name = namer(fieldfile.field.attname) if namer else ""
    return name or posixpath.basename(fieldfile.name)
