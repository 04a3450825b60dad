"""render: MkDocs + mkdocs-material, in-process, into a staging folder.

Large catalogs render in several processes (forked, so MkDocs and the theme are imported once):
each renders the pages of its share of the courses (see ``compile.plan_shards``); shard 0 also
renders every other page and the theme's assets. The courses' folders and sitemap entries of the
other shards are then moved into shard 0's output, and the search index is written from every
process's page documents (``learner_search``).
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import re
import shutil
import time
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from lmsctl.core.errors import BuildError
from lmsctl.targets.site import learner_search
from lmsctl.targets.site.compile import Compiled

#: How lmsctl's hooks start the message of a page they refuse (``mkdocs_hooks.refuse``).
POLICY_PREFIX = "lmsctl policy: "

#: Below this many pages one process is faster than forking a second one.
MIN_PAGES_PER_SHARD = 150
_URL_ENTRY = re.compile(r"[ \t]*<url>.*?</url>\n?", re.DOTALL)


@dataclass
class RenderResult:
    warnings: list[str] = field(default_factory=list)  # MkDocs warnings, as logged
    seconds: float = 0.0
    processes: int = 1


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def default_workers() -> int:
    env = os.environ.get("LMSCTL_BUILD_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def render_shard(config_file: str, site_dir: str, shard: int | None) -> list[str]:
    """Run one MkDocs build; returns its warnings. MkDocs' own log output is captured (its
    warnings are reported by lmsctl with the author's file)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    logger = logging.getLogger("mkdocs")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    capture = _Capture()
    logger.handlers = [capture]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        config = load_config(config_file=config_file, site_dir=site_dir)
        if shard is not None:
            config.extra["lmsctl"] = {**config.extra.get("lmsctl", {}), "shard": shard}
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except Abort as exc:  # lmsctl's hooks refused a page (html_policy): the author's error
            refused = [m for m in capture.messages if m.startswith(POLICY_PREFIX)]
            if not refused:
                raise
            raise BuildError(
                "the site was not built: " + "; ".join(m[len(POLICY_PREFIX):]
                                                      for m in refused),
                "Fix the lesson (lmsctl validate shows where), then build again.") from exc
        finally:
            config.plugins.on_shutdown()
    finally:
        logger.handlers = saved[2]
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    return capture.messages


def _merge_sitemap(main: Path, others: list[Path]) -> None:
    sitemap = main / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    entries = "".join(m.group(0) for o in others if (o / "sitemap.xml").is_file()
                      for m in _URL_ENTRY.finditer((o / "sitemap.xml").read_text("utf-8")))
    if not entries or "</urlset>" not in text:
        return
    text = text.replace("</urlset>", entries + "</urlset>", 1)
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(main / "sitemap.xml.gz", mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def _move_courses(main: Path, other: Path, course_ids: list[str]) -> None:
    (main / "courses").mkdir(exist_ok=True)
    for cid in course_ids:
        src = other / "courses" / cid
        if src.is_dir():
            dest = main / "courses" / cid
            if dest.exists():
                shutil.rmtree(dest)
            os.rename(src, dest)


def shard_count(pages: int, workers: int | None = None) -> int:
    """How many processes to render ``pages`` pages with (one where processes cannot be
    forked)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # pragma: no cover - Windows
    workers = default_workers() if workers is None else workers
    return max(1, min(workers, pages // MIN_PAGES_PER_SHARD))


def render(compiled: Compiled, site_dir: Path) -> RenderResult:
    """Render ``compiled`` into ``site_dir`` (created; must not exist), one process per shard
    that ``compile`` planned."""
    start = time.perf_counter()
    shards = compiled.shards
    config_file = str(compiled.config_file)
    if len(shards) <= 1:
        messages = render_shard(config_file, str(site_dir), None)
        learner_search.write_index(site_dir, learner_search.load_docs(compiled.folder))
        return RenderResult(messages, time.perf_counter() - start, 1)
    outs = [compiled.folder / f"site-{k}" for k in range(1, len(shards))]
    context = multiprocessing.get_context("fork")
    warnings: list[str] = []
    with ProcessPoolExecutor(max_workers=len(outs), mp_context=context) as pool:
        futures: list[Future[list[str]]] = [
            pool.submit(render_shard, config_file, str(out), k)
            for k, out in enumerate(outs, start=1)]
        try:
            warnings += render_shard(config_file, str(site_dir), 0)
        finally:
            wait(futures)  # never leave a process writing while the caller cleans up
        for future in futures:
            warnings += future.result()  # re-raises a render process's exception
    for k, out in enumerate(outs, start=1):
        _move_courses(site_dir, out, shards[k])
    learner_search.write_index(site_dir, learner_search.load_docs(compiled.folder))
    _merge_sitemap(site_dir, outs)
    for out in outs:
        shutil.rmtree(out, ignore_errors=True)
    return RenderResult(warnings, time.perf_counter() - start, len(shards))
