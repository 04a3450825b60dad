"""A file backend for Ralph's LRS that keeps every statement (``lmsctl_fs``).

Ralph loads this module through its ``ralph.backends.lrs`` entry point, in Ralph's own
environment: it imports only the standard library and Ralph (ralph-malph 5.1), never the rest of
lmsctl. ``lmsctl lrs`` selects it with ``RALPH_RUNSERVER_BACKEND=lmsctl_fs``.

It fixes what Ralph 5.1's ``fs`` LRS backend gets wrong for an LRS that lives for more than one
request:

- **writes append**: the ``fs`` backend creates its file on the first write and refuses every
  later one (``operation_type`` create); here every batch is appended to one JSON-lines file
  (flushed and fsynced before the answer), and an id already stored is never written twice;
- **filters match**: Ralph passes ``verb`` and ``activity`` as pydantic ``IRI`` objects, which
  never equal the strings in a statement; they are compared as strings here. ``agent``,
  ``registration``, ``related_activities`` and ``related_agents`` work too, and boolean query
  parameters arrive as text (``"false"`` is not true here);
- **order and pages**: newest stored first (``ascending=true`` for oldest first), ``limit`` per
  page, and ``more`` (Ralph's ``search_after``: the id of a page's last statement) continues
  exactly after that statement, in the same order;
- **since / until** compare the ``stored`` time, as xAPI 1.0.3 says (Ralph compared
  ``timestamp``), so an incremental reader (``lmsctl analytics pull``) never misses a statement
  that a browser sent late;
- no download "history" file is rewritten on every request.

Statements are read once and kept in memory; later requests read only what was appended.
Conflicts (a known id with a different statement: 409) and duplicates (the same statement again:
204) are decided by Ralph's router from ``query_statements_by_ids``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_settings import SettingsConfigDict
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.base import RalphStatementsQuery, StatementQueryResult
from ralph.backends.lrs.fs import FSLRSBackend, FSLRSBackendSettings
from ralph.conf import BASE_SETTINGS_CONFIG
from ralph.exceptions import BackendException, BackendParameterException

#: The backend's name: the entry point's name and ``RALPH_RUNSERVER_BACKEND``.
NAME = "lmsctl_fs"


class LmsctlFSLRSBackendSettings(FSLRSBackendSettings):
    """Settings from ``RALPH_BACKENDS__LRS__LMSCTL_FS__*`` (``DEFAULT_DIRECTORY_PATH``: the
    folder; ``DEFAULT_LRS_FILE``: the statements file in it)."""

    model_config = {
        **BASE_SETTINGS_CONFIG,
        **SettingsConfigDict(env_prefix="RALPH_BACKENDS__LRS__LMSCTL_FS__"),
    }

    DEFAULT_LRS_FILE: str = "statements.jsonl"


@dataclass
class _Store:
    """The statements of one file, as far as it has been read."""

    identity: tuple[int, int]
    offset: int = 0
    statements: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)


def _flag(value: Any) -> bool:
    """A boolean query parameter: Ralph passes the raw text (``"false"``) through."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _instant(value: Any) -> datetime | None:
    """An aware datetime from a query parameter or a statement's time (UTC when naive)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class LmsctlFSLRSBackend(FSLRSBackend):
    """Ralph's file LRS backend, fixed to keep appending and to filter (see the module)."""

    name = NAME
    settings_class = LmsctlFSLRSBackendSettings

    def __init__(self, settings: LmsctlFSLRSBackendSettings | None = None) -> None:
        super().__init__(settings or LmsctlFSLRSBackendSettings())
        self._stores: dict[Path, _Store] = {}

    # -- storage --------------------------------------------------------------------------------

    def _file(self, target: str | None) -> Path:
        folder = Path(self.default_directory)
        if target:
            folder = folder / target
        return folder / str(self.settings.DEFAULT_LRS_FILE)

    def _load(self, target: str | None) -> _Store:
        """The file's statements, reading only what was appended since the last call."""
        path = self._file(target)
        try:
            stat = path.stat()
        except FileNotFoundError:
            self._stores.pop(path, None)
            return _Store(identity=(0, 0))
        identity = (stat.st_dev, stat.st_ino)
        store = self._stores.get(path)
        if store is None or store.identity != identity or stat.st_size < store.offset:
            store = self._stores[path] = _Store(identity=identity)
        if stat.st_size > store.offset:
            with path.open("rb") as file:
                file.seek(store.offset)
                data = file.read(stat.st_size - store.offset)
            end = data.rfind(b"\n") + 1  # a line still being written waits for the next call
            for line in data[:end].splitlines():
                if not line.strip():
                    continue
                try:
                    statement = json.loads(line)
                except ValueError as error:
                    raise BackendException(
                        f"{path}: a line is not JSON ({error}); remove or repair it"
                    ) from error
                if not isinstance(statement, dict):
                    raise BackendException(f"{path}: a line is not a JSON object")
                store.statements.append(statement)
                store.by_id[str(statement.get("id"))] = statement
            store.offset += end
        return store

    def write(
        self,
        data: Iterable[dict[str, Any]] | Iterable[bytes],
        target: str | None = None,
        chunk_size: int | None = None,
        ignore_errors: bool = False,
        operation_type: BaseOperationType | None = None,
    ) -> int:
        """Append the statements (dicts, or JSON lines as bytes) and return how many were new.

        A statement whose id is already stored is skipped: the router answers 204 for the
        same statement and 409 for a different one before it gets here."""
        if operation_type not in (None, BaseOperationType.APPEND, BaseOperationType.CREATE,
                                  BaseOperationType.INDEX):
            raise BackendParameterException(
                f"{operation_type.value} is not supported by the {NAME} backend: it only adds"
            )
        store = self._load(target)
        lines: list[str] = []
        seen: set[str] = set()
        for item in self._records(data, ignore_errors):
            statement_id = str(item.get("id"))
            if statement_id in store.by_id or statement_id in seen:
                continue
            seen.add(statement_id)
            lines.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        if not lines:
            return 0
        path = self._file(target)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as file:
                if file.tell() > store.offset:
                    # the tail of a write that never finished (the server stopped mid-line):
                    # it was never acknowledged, so the client sends it again
                    file.truncate(store.offset)
                    file.seek(store.offset)
                file.write("".join(lines).encode("utf-8"))
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            raise BackendException(f"failed to write to {path}: {error}") from error
        self._load(target)
        return len(lines)

    @staticmethod
    def _records(data: Iterable[Any], ignore_errors: bool) -> Iterator[dict[str, Any]]:
        for item in data:
            if isinstance(item, (bytes, bytearray)):
                for line in bytes(item).splitlines():
                    if not line.strip():
                        continue
                    try:
                        parsed = json.loads(line)
                    except ValueError as error:
                        if ignore_errors:
                            continue
                        raise BackendException(f"not JSON: {error}") from error
                    if isinstance(parsed, dict):
                        yield parsed
            elif isinstance(item, dict):
                yield item
            elif not ignore_errors:
                raise BackendException(f"cannot store a {type(item).__name__} as a statement")

    # -- queries --------------------------------------------------------------------------------

    def query_statements_by_ids(
        self, ids: list[str], target: str | None = None
    ) -> list[dict[str, Any]]:
        store = self._load(target)
        return [store.by_id[str(i)] for i in ids if str(i) in store.by_id]

    def query_statements(
        self, params: RalphStatementsQuery, target: str | None = None
    ) -> StatementQueryResult:
        """Statements matching the xAPI query, newest stored first unless ``ascending``."""
        store = self._load(target)
        get = params.__dict__.get  # Ralph builds the query with model_construct: raw values
        filters: list[Any] = []
        statement_id = get("statement_id")
        if statement_id:
            found = store.by_id.get(str(statement_id))
            return StatementQueryResult(statements=[found] if found else [])
        self._add_filter_by_agent(filters, get("agent"), _flag(get("related_agents")))
        self._add_filter_by_authority(filters, get("authority"))
        verb = get("verb")
        if verb:
            verb_id = str(verb)
            filters.append(lambda s: (s.get("verb") or {}).get("id") == verb_id)
        activity = get("activity")
        if activity:
            self._add_filter_by_activity(filters, str(activity),
                                         _flag(get("related_activities")))
        self._add_filter_by_registration(filters, get("registration"))
        since, until = _instant(get("since")), _instant(get("until"))
        if since or until:
            filters.append(lambda s: self._stored_between(s, since, until))

        ordered = store.statements if _flag(get("ascending")) else reversed(store.statements)
        search_after = get("search_after")
        limit = int(get("limit") or 0)
        started = not search_after
        page: list[dict[str, Any]] = []
        for statement in ordered:
            if not started:
                started = str(statement.get("id")) == str(search_after)
                continue
            if all(f(statement) for f in filters):
                page.append(statement)
                if limit and len(page) == limit:
                    break
        last = str(page[-1].get("id")) if limit and len(page) == limit else None
        return StatementQueryResult(statements=page, pit_id=None, search_after=last)

    @staticmethod
    def _stored_between(statement: dict[str, Any], since: datetime | None,
                        until: datetime | None) -> bool:
        try:
            stored = _instant(statement.get("stored") or statement.get("timestamp"))
        except (TypeError, ValueError):
            return False
        if stored is None:
            return False
        return (since is None or stored > since) and (until is None or stored <= until)
