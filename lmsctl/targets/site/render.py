"""render: MkDocs + mkdocs-material, in-process, into a staging folder.

Large catalogs render in several processes (forked, so MkDocs and the theme are imported once):
each renders the pages of its share of the courses (see ``compile.plan_shards``); shard 0 also
renders every other page and the theme's assets. The courses' folders and sitemap entries of the
other shards are then moved into shard 0's output, and the search index is written from every
process's page documents (``learner_search``). The sitemap lists the pages in the order of their
URLs, whatever the shards.

With a reuse plan from the build cache (``build_cache.Reuse``), MkDocs renders only the pages
that changed, into the same new, empty folder, and the search index rewrites only the groups
whose pages' documents changed; the result names the other files, which the cached site
holds: ``build_cache.assemble`` makes the site of both before it is published. The result is
the same bytes as rendering everything.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Container, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmsctl.core.errors import BuildError
from lmsctl.targets.site import build_cache, learner_search
from lmsctl.targets.site.compile import Compiled

#: How lmsctl's hooks start the message of a page they refuse (``mkdocs_hooks.refuse``).
POLICY_PREFIX = "lmsctl policy: "

#: Below this many pages one process is faster than forking a second one.
MIN_PAGES_PER_SHARD = 150
SITEMAP, SITEMAP_GZ = build_cache.SITEMAP, build_cache.SITEMAP + ".gz"
#: An entry of the sitemap (the one group: without the spaces around it)
_URL_ENTRY = re.compile(r"[ \t]*(<url>.*?</url>)\n?", re.DOTALL)
_LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")
#: Up to this many rendered entries are looked up in the cached sitemap one by one (each a
#: search of its text) rather than merged with all of its entries (``_in_place``).
_FEW_ENTRIES = 50


@dataclass
class RenderResult:
    warnings: list[str] = field(default_factory=list)  # MkDocs warnings, as logged
    seconds: float = 0.0
    processes: int = 1
    #: every output file of the build (a copied file: [size, mtime_ns] of its source)
    outputs: dict[str, list[int] | None] = field(default_factory=dict)
    #: every searchable page's documents, by docs/ path
    docs: Mapping[str, learner_search.PageDocs] = field(default_factory=dict)
    rendered: int = 0  # pages rendered (the others came from the cache)
    #: with the build cache: the files to take from the cached site, and every file the
    #: render wrote (``build_cache.assemble`` makes the site of both)
    keep: set[str] = field(default_factory=set)
    fresh: set[str] = field(default_factory=set)


class _CachedDocs(Mapping[str, learner_search.PageDocs]):
    """The search documents the cached site's index was written from (``write_index``'s
    ``before``): each page's read (with its course's) only when asked."""

    def __init__(self, reuse: build_cache.Reuse) -> None:
        self.reuse = reuse

    def __getitem__(self, src: str) -> learner_search.PageDocs:
        found: learner_search.PageDocs | None = self.reuse.cached(src) \
            if src in self.reuse.sizes else None
        if found is None:
            raise KeyError(src)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.reuse.sizes)

    def __len__(self) -> int:
        return len(self.reuse.sizes)

    def scope_size(self, src: str, scope: str) -> int:
        """How many documents page ``src`` had in ``scope`` (without reading them)."""
        return int(self.reuse.sizes[src][learner_search.SCOPES.index(scope)])


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


def render_shard(config_file: str, site_dir: str, shard: int | None,
                 reuse: str | None = None, templates: str | None = None,
                 settings: dict[str, Any] | None = None) -> list[str]:
    """Run one MkDocs build; returns its warnings. MkDocs' own log output is captured (its
    warnings are reported by lmsctl with the author's file). ``reuse``: the build cache's
    plan (a file beside mkdocs.yml): a dirty build of what changed. ``templates``: a folder
    that keeps the theme's compiled templates between builds. ``settings``: what
    ``config_file`` holds (``Compiled.written_config``), given to MkDocs instead of the file."""
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
        if settings is not None:  # a copy: MkDocs' validation may change what it is given
            config = load_config(io.BytesIO(b"{}"), config_file_path=config_file,
                                 site_dir=site_dir, **copy.deepcopy(settings))
        else:
            config = load_config(config_file=config_file, site_dir=site_dir)
        if shard is not None:
            config.extra["lmsctl"] = {**config.extra.get("lmsctl", {}), "shard": shard}
        if reuse is not None:
            config.extra["lmsctl"] = {**config.extra.get("lmsctl", {}), "reuse": reuse}
        if templates is not None:
            config.extra["lmsctl"] = {**config.extra.get("lmsctl", {}), "templates": templates}
        config.plugins.on_startup(command="build", dirty=reuse is not None)
        try:
            build(config, dirty=reuse is not None)
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
    return [m for m in capture.messages if not m.startswith("A 'dirty' build")]


def _merge_sitemap(main: Path, others: list[Path], cached: Path | None = None,
                   changes: Path | None = None, intact: Container[str] = frozenset()
                   ) -> set[str]:
    """One sitemap of every process's pages, in the order of their URLs. With the build
    cache, the pages not rendered have the entries of the ``cached`` site's sitemap (of the
    date of this build; ``changes``: what the hooks left, ``mkdocs_hooks._sitemap_changes``).
    Returns the sitemap's files to take from the cached site: both, not written (nor
    compressed again), when the sitemap is the cached one (an edit of a page changes no
    entry) and both cached files are ``intact``."""
    sitemap = main / SITEMAP
    if not sitemap.is_file():
        return set()
    text = sitemap.read_text(encoding="utf-8")
    found: list[str] = _URL_ENTRY.findall(text)
    for other in others:
        if (other / SITEMAP).is_file():
            found += _URL_ENTRY.findall((other / SITEMAP).read_text("utf-8"))
    before = merged = None
    if cached is not None and changes is not None and (cached / SITEMAP).is_file():
        told = json.loads(changes.read_text(encoding="utf-8"))
        before = (cached / SITEMAP).read_text("utf-8")
        dated = _LASTMOD.sub(f"<lastmod>{told['date']}</lastmod>", before)
        if not told["drop"] and _in_place(found, text, dated):
            merged = dated
        else:
            drop = {_loc(e) for e in found} | {f"<loc>{loc}" for loc in told["drop"]}
            found += [e for e in _URL_ENTRY.findall(dated) if _loc(e) not in drop]
    if merged is None:
        if "</urlset>" not in text:
            return set()
        first = _URL_ENTRY.search(text)
        start = first.start() if first is not None else text.index("</urlset>")
        entries = "".join(f"    {e}\n" for e in sorted(found, key=_loc))
        merged = text[:start] + entries + text[text.index("</urlset>"):]
    text = merged
    if text == before and SITEMAP in intact and SITEMAP_GZ in intact:
        sitemap.unlink()
        (main / SITEMAP_GZ).unlink(missing_ok=True)
        return {SITEMAP, SITEMAP_GZ}
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(main / SITEMAP_GZ, mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return set()


def _in_place(found: list[str], text: str, dated: str) -> bool:
    """Whether merging the rendered entries ``found`` (of the sitemap ``text``) into the
    cached sitemap ``dated`` (of this build's date) gives ``dated`` back, found without
    reading its entries (some 7,000 at 1,000 courses; an edit of a page renders one): a few
    entries, each in ``dated`` as it is and the only one of its location there, and the same
    text around the entries. ``dated`` holds its entries as this merge writes them (in the
    order of their locations, one a line): the merge would put each at its own place."""
    if not found or len(found) > _FEW_ENTRIES or "</urlset>" not in text \
            or "</urlset>" not in dated or len({_loc(e) for e in found}) < len(found):
        return False
    first, cached_first = _URL_ENTRY.search(text), _URL_ENTRY.search(dated)
    if first is None or cached_first is None \
            or text[:first.start()] != dated[:cached_first.start()] \
            or text[text.index("</urlset>"):] != dated[dated.index("</urlset>"):]:
        return False
    return all(dated.count(f"    {e}\n") == 1 and dated.count(_loc(e) + "</loc>") == 1
               for e in found)


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


def _loc(entry: str) -> str:
    start = entry.find("<loc>")
    return entry[start:entry.find("</loc>", start)] if start >= 0 else entry


def skipped(reuse: build_cache.Reuse | None) -> set[str] | frozenset[str]:
    """The docs/ files a render takes from the cached site (not written into docs/)."""
    return reuse.skip_pages | set(reuse.skip_statics) if reuse is not None else frozenset()


def _shards(compiled: Compiled, reuse: build_cache.Reuse | None) -> list[list[str]]:
    """The courses of each render process: ``compile``'s plan, or one process when the reuse
    plan leaves few pages to render."""
    shards = compiled.shards
    if reuse is not None:
        todo = compiled.pages - len(reuse.skip_pages)
        if todo < MIN_PAGES_PER_SHARD * max(2, len(shards)):
            return [sorted(c for s in shards for c in s)]
    return shards


def forks(compiled: Compiled, reuse: build_cache.Reuse | None) -> bool:
    """Whether ``render`` starts processes of its own (more than one shard): a rebuild of a
    few pages renders in this process."""
    return len(_shards(compiled, reuse)) > 1


def render(compiled: Compiled, site_dir: Path, reuse: build_cache.Reuse | None = None,
           templates: Path | None = None) -> RenderResult:
    """Render ``compiled`` into ``site_dir`` (created; must not exist), one process per shard
    that ``compile`` planned (one process when the reuse plan leaves few pages to render)."""
    start = time.perf_counter()
    compiled.write_docs(skipped(reuse))
    shards = _shards(compiled, reuse)
    config_file = str(compiled.config_file)
    settings: dict[str, Any] | None = None
    if compiled.written_config is not None:  # (unless the file was changed since)
        text, values = compiled.written_config
        if compiled.config_file.read_text(encoding="utf-8") == text:
            settings = values
    plan: str | None = None
    todo = compiled.pages
    if reuse is not None:
        plan = build_cache.REUSE_FILE
        (compiled.folder / plan).write_text(json.dumps(reuse.hooks_file()), encoding="utf-8")
        todo = compiled.pages - len(reuse.skip_pages)
    outs = [compiled.folder / f"site-{k}" for k in range(1, len(shards))]
    warnings: list[str] = []
    jinja = str(templates) if templates is not None else None
    if len(shards) <= 1:
        warnings += render_shard(config_file, str(site_dir), None, plan, jinja, settings)
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(outs), mp_context=context) as pool:
            futures: list[Future[list[str]]] = [
                pool.submit(render_shard, config_file, str(out), k, plan, jinja,
                            settings)
                for k, out in enumerate(outs, start=1)]
            try:
                warnings += render_shard(config_file, str(site_dir), 0, plan, jinja,
                                         settings)
            finally:
                wait(futures)  # never leave a process writing while the caller cleans up
            for future in futures:
                warnings += future.result()  # re-raises a render process's exception
        for k, out in enumerate(outs, start=1):
            _move_courses(site_dir, out, shards[k])
    outputs_file = compiled.folder / build_cache.OUTPUTS_FILE.format(shard=0)
    outputs: dict[str, list[int] | None] = {}
    if outputs_file.is_file():
        outputs = json.loads(outputs_file.read_text(encoding="utf-8"))
    rendered = learner_search.load_docs(compiled.folder)
    docs: Mapping[str, learner_search.PageDocs] = rendered
    keep: set[str] = set()
    if reuse is not None:
        docs = cached = build_cache.SiteDocs(reuse, dict(rendered), rendered.parts)
        # the index groups of pages whose documents are the cached ones are kept too
        keep = learner_search.write_index(site_dir, docs, reuse.site, cached.same,
                                          reuse.outputs, learner_search.SCRIPT in outputs,
                                          _CachedDocs(reuse))
    else:
        learner_search.write_index(site_dir, docs)
    keep |= _merge_sitemap(site_dir, outs, reuse.site if reuse is not None else None,
                           compiled.folder / build_cache.SITEMAP_FILE,
                           reuse.outputs if reuse is not None else frozenset())
    for out in outs:
        shutil.rmtree(out, ignore_errors=True)
    fresh: set[str] = set()
    if reuse is not None:  # what the cached site gives: the outputs not rendered
        fresh = build_cache.files_under(site_dir)
        keep |= {dest for dest in outputs if dest not in fresh and dest in reuse.outputs}
    return RenderResult(warnings, time.perf_counter() - start, len(shards), outputs, docs, todo,
                        keep, fresh)
