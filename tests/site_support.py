"""Helpers for the site tests: copies of the sample repository, builds, and reading the built
HTML (attributes of elements, links), with nothing but the standard library."""

from __future__ import annotations

import hashlib
import html.parser
import io
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lmsctl.targets.site.pipeline import BuildResult, build_site

ROOT = Path(__file__).resolve().parent.parent


def copy_sample(dest: Path, contributing: bool = True) -> Path:
    """The repository's sample content (lmsctl.yml, courses/, paths/, schemas/), like the
    ``sample_repo`` fixture but usable by module-scoped fixtures."""
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "lmsctl.yml", dest / "lmsctl.yml")
    for folder in ("courses", "paths", "schemas"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, dest / folder)
    if contributing and (ROOT / "CONTRIBUTING.md").is_file():
        shutil.copy2(ROOT / "CONTRIBUTING.md", dest / "CONTRIBUTING.md")
    return dest


def build(repo: Path, out: Path, **options: object) -> tuple[BuildResult, str]:
    """Build and return the result and what the build printed."""
    printed = io.StringIO()
    result = build_site(repo, out, stdout=printed, **options)  # type: ignore[arg-type]
    return result, printed.getvalue()


def wait_for_trash(root: Path, seconds: float = 60) -> None:
    """Wait (at most ``seconds``) until the build cache's trash of ``root``, deleted by a
    process of its own, is empty: a copy of the repository or a commit must not see it
    shrink."""
    trash = root / ".lmsctl/trash"
    deadline = time.monotonic() + seconds
    while trash.is_dir() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)


def tree_hash(folder: Path) -> str:
    """A hash of every path and byte under folder (to prove a site was left untouched)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary folders a build may have left beside its output."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith((".site-", ".lmsctl-build")))


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page:
    """A built page: its elements (with their text) in document order."""

    url: str
    html: str
    elements: list[Element] = field(default_factory=list)

    def find(self, tag: str | None = None, **attrs: str | None) -> list[Element]:
        """Elements with ``tag`` whose attributes match (value None: present with any
        value; ``data_lmsctl_x`` means ``data-lmsctl-x``)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        out = []
        for el in self.elements:
            if tag is not None and el.tag != tag:
                continue
            if all(k in el.attrs and (v is None or el.attrs[k] == v) for k, v in wanted.items()):
                out.append(el)
        return out

    def inside(self, outer: Element) -> list[Element]:
        """Elements nested in ``outer`` (by document position)."""
        start = self.elements.index(outer)
        depth_end = getattr(outer, "_end", len(self.elements))
        return self.elements[start + 1:depth_end]


class _Collector(html.parser.HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[tuple[Element, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append((el, len(self.elements)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0].tag == tag:
                for el, _ in self.stack[i:]:
                    el._end = len(self.elements)  # type: ignore[attr-defined]
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for el, _ in self.stack:
            el.text += data


def page(site: Path, url: str) -> Page:
    """The page at site-root URL ``url`` (``courses/x/``)."""
    path = site / url / "index.html" if url.endswith("/") or not url else site / url
    text = path.read_text(encoding="utf-8")
    collector = _Collector()
    collector.feed(text)
    return Page(url, text, collector.elements)


def internal_targets(site: Path, url: str, html_text: str) -> list[tuple[str, Path]]:
    """(link, file it leads to) for every relative href/src attribute of a page."""
    collector = _Collector()
    collector.feed(html_text)
    out = []
    base = url if url.endswith("/") or not url else url.rsplit("/", 1)[0] + "/"
    for el in collector.elements:
        for name in ("href", "src"):
            link = el.attrs.get(name)
            if link is None:
                continue
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or link.startswith("#"):
                continue
            path = site / os.path.normpath(os.path.join(base, unquote(parts.path)))
            if parts.path.endswith("/") or path.is_dir():
                path = path / "index.html"
            out.append((link, path))
    return out
