"""A course kept by the build cache costs a rebuild its stored record, not per-page work
(issue 14): its pages' final digests are read from what the cache kept with it, and what the
history says of it (``compile.course_facts``) from what the last build found; and the garbage
collector does not walk the whole build's objects again and again."""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from benchmarks.synth import generate
from lmsctl.targets.site import build_cache, render
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site.pipeline import build_site


def _build(root: Path) -> None:
    build_site(root, stdout=io.StringIO(), with_history=False)


def _edited(root: Path) -> str:
    """Built once, then a lesson edited (its body only); returns its course's id."""
    generate(root, 3)
    _build(root)
    lesson = sorted(root.glob("courses/*/lessons/*.md"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                      encoding="utf-8")
    stamp = lesson.stat().st_mtime_ns + 10**9
    os.utime(lesson, ns=(stamp, stamp))
    return lesson.parts[-3]


def _rebuild_calls(root: Path, monkeypatch: pytest.MonkeyPatch,
                   name: str) -> tuple[str, list[Any]]:
    """The edited course's id, and the calls of compile's ``name`` in the rebuild after it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    edited = _edited(root)
    with mock.patch.object(compiler, name, wraps=getattr(compiler, name)) as spy:
        _build(root)
    return edited, spy.call_args_list


def test_a_rebuild_computes_the_page_digests_of_the_edited_course_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited, calls = _rebuild_calls(tmp_path, monkeypatch, "course_digests")
    assert [call.args[0] for call in calls] == [edited]


def test_a_rebuild_reads_the_history_of_the_edited_course_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited, calls = _rebuild_calls(tmp_path, monkeypatch, "course_facts")
    assert [call.args[1].id for call in calls] == [edited]


def test_compile_and_commit_run_with_few_collections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector walks only what each of them makes, seldom (a full walk of a catalog's
    objects cost a rebuild 0.05 s each time), and is left as it was after the build. (Not the
    one-process render: no time saved was measured there, and MkDocs makes cyclic garbage.)"""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    _edited(tmp_path)
    seen: dict[str, tuple[tuple[int, int, int], int]] = {}

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen[name] = (gc.get_threshold(), gc.get_freeze_count())
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(compiler, "_compile_site", spy("compile", compiler._compile_site))
    monkeypatch.setattr(build_cache.BuildCache, "_write_heads",
                        spy("commit", build_cache.BuildCache._write_heads))
    before = gc.get_threshold()
    _build(tmp_path)
    assert sorted(seen) == ["commit", "compile"]
    for name, (threshold, frozen) in seen.items():
        assert threshold[0] > before[0] and frozen > 0, name
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_rebuild_keeps_the_news_pages_and_a_feed_of_no_update_shows_its_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What's new and the feed read every change of every course: a lesson body edit takes
    them from the cache; but a feed with no update shows the time of its build (no history
    here), which another time makes again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    _edited(tmp_path)
    with mock.patch.object(compiler, "updates", wraps=compiler.updates) as spy:
        _build(tmp_path)
    assert spy.call_count == 0
    assert "2026-01-01T00:00:00Z" in (tmp_path / "site/feed.xml").read_text(encoding="utf-8")
    other = sorted(tmp_path.glob("courses/*/lessons/*.md"))[1]
    stamp = other.stat().st_mtime_ns + 10**9
    other.write_text(other.read_text(encoding="utf-8") + "\nMore.\n",
                             encoding="utf-8")
    os.utime(other, ns=(stamp, stamp))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 3600))
    _build(tmp_path)
    assert "2026-01-01T01:00:00Z" in (tmp_path / "site/feed.xml").read_text(encoding="utf-8")


def test_the_render_gives_mkdocs_the_settings_compile_wrote_unless_the_file_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs is given mkdocs.yml's settings as compile made them (not the file to parse with
    PyYAML again, 0.04 s per render); a file changed since is read."""
    from mkdocs.config import defaults

    from lmsctl.checks.validate import validate_repository
    from lmsctl.core.history import History
    from tests.site_support import copy_sample

    repo, _ = validate_repository(copy_sample(tmp_path / "repo"))
    compiled = compiler.compile_site(repo, compiler.select(repo, drafts=False),
                                     tmp_path / "work", compiler.Options(),
                                     History.unavailable("test"))
    read: list[str] = []
    real = defaults.yaml_load

    def spy(source: Any, *args: Any) -> Any:
        read.append(str(getattr(source, "name", "")))
        return real(source, *args)

    monkeypatch.setattr(defaults, "yaml_load", spy)
    render.render(compiled, tmp_path / "site")
    assert read == [""]  # settings given, the file not read
    text = compiled.config_file.read_text(encoding="utf-8")
    compiled.config_file.write_text(text + "# changed by hand\n", encoding="utf-8")
    render.render(compiled, tmp_path / "again")
    assert read[1:] == [str(compiled.config_file)]


def test_the_heads_of_stored_courses_leave_their_sidebars_to_their_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild reads every course's head: the sidebar (most of a course's manifest member,
    needed only when its pages are rendered) stays in the course's own file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    _edited(tmp_path)
    _build(tmp_path)
    slot = tmp_path / build_cache.CACHE_DIR / build_cache.variant(False, None)
    [heads] = slot.glob("heads-*.json")
    assert b'"sidebar"' not in heads.read_bytes()
    assert any(b'"sidebar"' in path.read_bytes() for path in slot.glob("compile-*.json"))
