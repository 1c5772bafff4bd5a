"""The sync example of docs/api.md works as written: run with bash and curl against a live server."""

import datetime
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from organization.models import ApiAccess, Cadre, Position
from organization.services import api_client_create
from tests.factories import CadreFactory, add_unit, unit_tree_root

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"


def _example() -> str:
    text = DOC.read_text()
    return re.search(r"<!-- api-sync-example -->\n```sh\n(.*?)```", text, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_the_documented_sync_fetches_every_cadre_the_deletions_and_records_a_training(live_server, tmp_path):
    from organization import roles

    roles.ensure_groups()
    province = unit_tree_root()
    body = add_unit(province, "B1")
    position = Position.objects.create(code="uv", name="Ủy viên")
    for i in range(7):
        CadreFactory(code=f"S-{i}", unit=body, position=position)
    # Written long before the first sync (its start time is kept to the second, rounded down, so a
    # record of that same second would come again the next night: fetched twice rather than missed).
    Cadre.objects.update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    _client, token = api_client_create(name="Sync", unit=body, access=ApiAccess.READ_WRITE)
    env = {**os.environ, "KTLEARN": live_server.url, "TOKEN": token, "SINCE": ""}
    script = _example().replace("limit=500", "limit=3")  # several pages with a handful of cadres
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert len((tmp_path / "cadres.jsonl").read_text().splitlines()) == 7
    assert run.stdout.strip() == "1"
    assert Cadre.objects.get(code="S-0").external_trainings.count() == 1

    # The next night: one cadre changed, one deleted; the same block with SINCE fetches just that.
    since = (tmp_path / "last-sync.txt").read_text().strip()
    Cadre.objects.filter(code="S-6").delete()
    time.sleep(1.1)
    cadre = Cadre.objects.get(code="S-3")
    cadre.full_name = "Nguyễn Văn Đổi"
    cadre.save()
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path,
                         env={**env, "SINCE": since}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    changed = (tmp_path / "cadres.jsonl").read_text().splitlines()
    assert len(changed) == 1 and '"code":"S-3"' in changed[0]
    assert (tmp_path / "deleted.txt").read_text().split() == ["S-6"]
