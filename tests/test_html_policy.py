"""The one HTML policy: no author script on the site, and no media from other hosts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.core.html_policy import is_remote, sanitize
from tests.conftest import MINIMAL_LESSON

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


def test_scripts_handlers_and_script_urls_removed() -> None:
    out = sanitize('<p onclick="x()">hi<script>alert(1)</script>'
                   '<a href="javascript:alert(1)">a</a><iframe src="x"></iframe></p>')
    assert "script" not in out and "onclick" not in out and "iframe" not in out
    assert "javascript" not in out and "hi" in out


def test_test_hooks_and_local_media_kept() -> None:
    out = sanitize('<div data-lmsctl-question="">q</div><img src="../assets/x.png" alt="b">')
    assert 'data-lmsctl-question=""' in out and 'src="../assets/x.png"' in out


def test_remote_media_not_loaded_but_links_kept() -> None:
    out = sanitize('<img src="https://cdn.example/x.png" alt="a">'
                   '<video src="//cdn.example/v.mp4" poster="http://x/p.png"></video>'
                   '<img srcset="a.png 1x, https://x/b.png 2x" alt="c">'
                   '<a href="https://example.com/guide">the guide</a>')
    assert "cdn.example" not in out and "http://x" not in out and "https://x" not in out
    assert '<a href="https://example.com/guide">the guide</a>' in out


def test_is_remote() -> None:
    assert is_remote("https://x") and is_remote("//x/y") and is_remote(" HTTP://x")
    assert not is_remote("../assets/x.png") and not is_remote("#top")


def test_built_lesson_loads_nothing_from_other_hosts(make_repo: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    root = make_repo({LESSON: MINIMAL_LESSON + "\n![Remote](https://cdn.example/x.png)\n"})
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--repo", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "courses" / "sales-basics" / "discovery-questions" / "index.html").read_text()
    assert 'alt="Remote"' in page
    assert "cdn.example" not in page


def test_material_tab_and_details_markup_kept_and_nothing_broader() -> None:
    out = sanitize('<div class="tabbed-set tabbed-alternate" data-tabs="1:3"></div>'
                   '<details class="tip" open="open"><summary>s</summary></details>')
    assert 'data-tabs="1:3"' in out and 'open="open"' in out
    # only the form Material writes, only where it writes it
    out = sanitize('<div data-tabs="javascript:x"></div><span data-tabs="1:2"></span>'
                   '<p open="open">p</p><details open="yes"></details>')
    assert "data-tabs" not in out and "open" not in out
