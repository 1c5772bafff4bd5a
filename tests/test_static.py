"""The production static pipeline: every file the stylesheets and scripts reference is in the repository.

Under production settings collectstatic runs a manifest storage that rewrites each reference to a
hashed name and refuses a missing file; without the manifest every HTML page answers 500. The
vendored libraries must therefore be complete (fonts) and carry no source-map comments for maps
that are not vendored.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

VENDOR = Path(settings.BASE_DIR) / "lms" / "static" / "vendor"


def test_collectstatic_with_the_manifest_storage_finds_every_referenced_file(tmp_path):
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                 "vendor/bootstrap-icons/fonts/bootstrap-icons.woff", "vendor/chartjs/chart.umd.min.js"):
        assert name in manifest, name
    hashed_css = (tmp_path / manifest["vendor/bootstrap-icons/bootstrap-icons.min.css"]).read_text()
    assert manifest["vendor/bootstrap-icons/fonts/bootstrap-icons.woff"].rsplit("/", 1)[1] in hashed_css


def test_vendored_files_point_at_no_missing_source_map():
    for path in VENDOR.rglob("*"):
        if path.suffix in (".js", ".css") and "sourceMappingURL=" in path.read_text(errors="ignore"):
            assert path.with_name(path.name + ".map").exists(), f"{path} names a source map that is not vendored"
