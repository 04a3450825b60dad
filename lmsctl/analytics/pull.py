"""``lmsctl analytics pull``: statements from an LRS (xAPI ``GET /statements``, ``since`` and
``more``, incremental) or from an exported file, into the store.

The LRS credential is read from an environment variable (``LMSCTL_LRS_AUTH``), never from a
command-line value that would land in shell history: either a whole ``Authorization`` header
value (``Basic ...``) or ``key:secret``. It should be a read-only key.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsctl.analytics.statements import Problem, one_line, read_file
from lmsctl.analytics.store import PullResult, Writer, last_stored
from lmsctl.core.errors import LmsctlError, UsageError

if TYPE_CHECKING:
    import duckdb

AUTH_ENV = "LMSCTL_LRS_AUTH"
XAPI_VERSION = "1.0.3"
TIMEOUT = 60


def pull_file(con: duckdb.DuckDBPyConnection, path: Path) -> PullResult:
    if not path.is_file():
        raise UsageError(f"--from {path}: no such file",
                         "Give a JSON array or NDJSON file of statements exported from an LRS.")
    result = PullResult(source=f"file:{path.resolve()}")
    writer = Writer(con, result)
    con.execute("BEGIN")
    try:
        writer.add(read_file(path))
        writer.close(result.source)
    except UnicodeDecodeError as exc:
        con.execute("ROLLBACK")
        raise LmsctlError(f"--from {path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                          "Export the statements as UTF-8 JSON or NDJSON.") from None
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return result


def auth_header(env: dict[str, str] | None = None) -> str | None:
    value = (env if env is not None else os.environ).get(AUTH_ENV, "").strip()
    if not value:
        return None
    if " " in value:  # "Basic abc=", "Bearer ..."
        return value
    return "Basic " + base64.b64encode(value.encode("utf-8")).decode("ascii")


def statements_url(endpoint: str) -> str:
    if not endpoint.endswith("/"):
        endpoint += "/"
    return urllib.parse.urljoin(endpoint, "statements")


def _get(url: str, auth: str | None, where: str) -> dict[str, Any]:
    headers = {"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json"}
    if auth:
        headers["Authorization"] = auth
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise LmsctlError(
                f"the LRS refused the credential ({exc.code} {exc.reason}) at {where}",
                f"Set {AUTH_ENV} to a read-only key of this LRS ('key:secret' or 'Basic "
                "...'); it is read from the environment, never from the command line.") from None
        if exc.code == 404:
            raise UsageError(f"{where}: 404 Not Found: is this the LRS's xAPI endpoint?",
                             "Give the endpoint that ends in /xAPI/ (the one statements are "
                             "sent to), e.g. --lrs https://lrs.example.org/xAPI/.") from None
        raise LmsctlError(f"the LRS answered {exc.code} {exc.reason} at {where}",
                          "Try again later, or check the LRS's logs.") from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, str) else getattr(
            exc.reason, "strerror", None) or str(exc.reason)
        raise LmsctlError(f"cannot reach the LRS at {where}: {reason}",
                          "Check the URL and that the LRS is running and reachable from "
                          "here.") from None
    except TimeoutError:
        raise LmsctlError(f"the LRS at {where} did not answer within {TIMEOUT} s",
                          "Try again later.") from None
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise LmsctlError(f"the LRS at {where} did not answer with JSON",
                          "Give the xAPI endpoint of the LRS (ending in /xAPI/).") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("statements"), list):
        raise LmsctlError(f"the LRS at {where} did not answer with a StatementResult",
                          "Give the xAPI endpoint of the LRS (ending in /xAPI/).")
    return doc


def pull_lrs(con: duckdb.DuckDBPyConnection, endpoint: str,
             env: dict[str, str] | None = None) -> PullResult:
    """Every statement stored since the last pull from this endpoint (all on the first)."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--lrs {endpoint}: not an http(s) URL",
                         "Give the LRS's xAPI endpoint, e.g. --lrs https://lrs.example.org/xAPI/.")
    if parts.username or parts.password:
        raise UsageError("--lrs: the URL holds a credential, which would land in shell history",
                         f"Remove it from the URL and set {AUTH_ENV} instead.")
    auth = auth_header(env)
    source = f"lrs:{endpoint}"
    result = PullResult(source=source)
    since = last_stored(con, source)
    query = {"ascending": "true"}
    if since:
        query["since"] = since
    url = statements_url(endpoint) + "?" + urllib.parse.urlencode(query)
    writer = Writer(con, result)
    page = 0
    con.execute("BEGIN")
    try:
        while url:
            page += 1
            doc = _get(url, auth, endpoint)
            items = doc["statements"]
            writer.add((f"page {page}, statement {i}", one_line(s))
                       for i, s in enumerate(items, start=1))
            more = doc.get("more")
            url = urllib.parse.urljoin(endpoint, more) if isinstance(more, str) and more else ""
            if more and not items:
                break  # a "more" link on an empty page would loop forever
        writer.close(source)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return result


__all__ = ["AUTH_ENV", "Problem", "auth_header", "pull_file", "pull_lrs"]
