"""A course kept by the build cache costs a rebuild its stored record, not per-page work
(issue 14): its pages' final digests are read from what the cache kept with it, and what the
history says of it (``compile.course_facts``) from what the last build found."""

from __future__ import annotations

import io
import os
from pathlib import Path
from unittest import mock

import pytest

from benchmarks.synth import generate
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


def test_a_rebuild_computes_the_page_digests_of_the_edited_course_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    edited = _edited(tmp_path)
    with mock.patch.object(compiler, "course_digests", wraps=compiler.course_digests) as spy:
        _build(tmp_path)
    assert [call.args[0] for call in spy.call_args_list] == [edited]


def test_a_rebuild_reads_the_history_of_the_edited_course_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    edited = _edited(tmp_path)
    with mock.patch.object(compiler, "course_facts", wraps=compiler.course_facts) as spy:
        _build(tmp_path)
    assert [call.args[1].id for call in spy.call_args_list] == [edited]
