"""``compile.CourseKeys``: each course's ``course_digest`` is computed once per build (its
``shown`` and its key both read it; issue 14: hashing every lesson's text twice per course)."""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

from benchmarks.synth import generate
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site.pipeline import build_site


def test_each_course_digest_is_computed_once_per_build(tmp_path: Path) -> None:
    generate(tmp_path, 3)
    with mock.patch.object(compiler, "course_digest", wraps=compiler.course_digest) as spy:
        result = build_site(tmp_path, stdout=io.StringIO(), with_history=False)
    assert result.courses == 3
    ids = [call.args[0].id for call in spy.call_args_list]
    assert len(ids) == 3 and len(set(ids)) == 3
