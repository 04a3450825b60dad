"""Checks of ``analytics:`` in lmsctl.yml that a schema cannot express (LMS220, LMS221): the
site must be able to reach the LRS it names, and activity ids need a base URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.model import Config
from lmsctl.core.spine import diag

CONFIG_FILE = "lmsctl.yml"
#: Hosts that browsers let an https:// page reach over http:// (a local lmsctl lrs).
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_analytics(config: Config) -> list[Diagnostic]:
    xapi = config.analytics.xapi
    if xapi is None or config.doc is None:
        return []
    out: list[Diagnostic] = []
    line, col = config.doc.pos(("analytics", "xapi", "endpoint"))
    written = str((config.doc.data.get("analytics") or {}).get("xapi", {}).get("endpoint", ""))
    parts = urlsplit(written.strip())
    site = urlsplit(config.site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return out  # the schema reports it (LMS104)
    if parts.path in ("", "/"):
        out.append(diag("LMS220", CONFIG_FILE, line, col,
                        f"analytics.xapi.endpoint {written} has no path: the site would POST "
                        f"to {parts.scheme}://{parts.netloc}/statements",
                        "Give the LRS's xAPI base URL with its path, e.g. "
                        f"{parts.scheme}://{parts.netloc}/xAPI/ (Ralph, SQL LRS) or what your "
                        "LRS's documentation calls the xAPI endpoint."))
    if (site.scheme == "https" and parts.scheme == "http"
            and parts.hostname not in LOOPBACK):
        out.append(diag("LMS220", CONFIG_FILE, line, col,
                        f"analytics.xapi.endpoint {written} is http:// but the site is "
                        f"https:// ({config.site_url}): browsers block these requests, so no "
                        "learning record would arrive",
                        f"Use https://{parts.netloc}{parts.path} (put the LRS behind TLS)."))
    if not config.activity_base:
        line, col = config.doc.pos(("analytics",))
        out.append(diag("LMS221", CONFIG_FILE, line, col,
                        "analytics.xapi is set but neither site.url nor analytics.activity_base "
                        "is: activity ids would have no base",
                        "Set site.url: https://... (or analytics.activity_base)."))
    return out
