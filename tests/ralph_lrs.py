"""Starts Ralph's LRS (ralph.api:app under uvicorn) for tests/test_xapi.py, run by .venv-lrs's Python.

Ralph 5.1's file-system backend writes every statement batch with the operation "create", which refuses
to touch a file that already exists: the second statement posted to a running Ralph answers 500
("Statement indexation failed", "fs_lrs.jsonl already exists and overwrite is not allowed"). The
file-system LRS is meant to collect statements, so this launcher makes its writes append; nothing else
of Ralph is changed (validation, authentication, the xAPI endpoints are Ralph's own)."""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

_write = FSLRSBackend.write


def _append(self, data, target=None, chunk_size=None, ignore_errors=False, operation_type=None):
    if operation_type in (None, BaseOperationType.CREATE, BaseOperationType.INDEX):
        operation_type = BaseOperationType.APPEND
    return _write(self, data, target, chunk_size, ignore_errors, operation_type)


FSLRSBackend.write = _append

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
