"""``validate``: what must hold for a build (schemas and references)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lmsctl.checks.references import check_references
from lmsctl.content.loader import load_repository
from lmsctl.core.cache import open_namespace
from lmsctl.core.diagnostics import Report
from lmsctl.core.model import Repository

#: The cache namespace of the readings of files (``lmsctl.core.cache``).
NAMESPACE = "files"


def validate_repository(root: Path, cache: bool = True,
                        scope: Callable[[Repository], frozenset[str] | None] | None = None
                        ) -> tuple[Repository, Report]:
    """Read the repository and check it. With ``cache`` (``--no-cache`` turns it off) each
    file's reading and its own findings are reused while its text, path and lmsctl are the
    same; everything that spans files (references, cycles, assets, links) is checked again on
    every run. ``scope``, given the repository, names the courses whose lessons' references
    are checked (None: all): for a run that reports only on those courses' files."""
    root = root.resolve()
    store = open_namespace(root, NAMESPACE, cache)
    repo, problems = load_repository(root, cache=store)
    report = Report(files_checked=len(repo.files))
    report.extend(problems)
    report.extend(check_references(repo, scope(repo) if scope is not None else None))
    store.save()
    return repo, report
