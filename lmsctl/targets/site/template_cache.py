"""Compiled Jinja templates kept in the build cache (``BuildCache.templates``), for the theme's
templates (MkDocs' environment, ``mkdocs_hooks``) and lmsctl's page templates (``i18n``).

Each template's compiled code is one file, named by Jinja's key of the template (its name and
file), holding a SHA-256 of what follows it and of ``salt`` (lmsctl's code and the libraries'
versions: ``build_cache.code_fingerprint``), then Jinja's own bucket (which checks the
template's source and the Python version). A file that is missing, truncated, damaged, of
another lmsctl or another source is not used: the template is compiled again and the file
written again (atomically: parallel builds and render processes may share the folder). Never a
traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from lmsctl.core.files import write_atomic

_SUM = hashlib.sha256().digest_size


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache in ``folder``, every file checked (see the module)."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt.encode("utf-8")

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def _sum(self, body: bytes) -> bytes:
        return hashlib.sha256(self.salt + b"\0" + body).digest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            raw = self._path(bucket).read_bytes()
        except OSError:
            return
        body = raw[_SUM:]
        if len(raw) <= _SUM or raw[:_SUM] != self._sum(body):
            return  # damaged, or another lmsctl's: compiled again (and written again)
        try:
            bucket.bytecode_from_string(body)
        except Exception:  # noqa: BLE001 - whatever the bytes, the template compiles again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # a cache that cannot be written: compiled next time
            os.makedirs(self.folder, exist_ok=True)
            write_atomic(self._path(bucket), self._sum(body) + body)

    def clear(self) -> None:
        for path in self.folder.glob("*.jinja"):
            with contextlib.suppress(OSError):
                path.unlink()
