"""Security (#17), the output policy as a unit: URLs read as browsers read them in every
URL-bearing attribute, CSS url() in paint, ids and names as slugs, no runtime or theme hooks
from authors, configuration URLs refused at their key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from lmsctl.cli import cli
from lmsctl.core.html_policy import (
    RESERVED_ID_PREFIXES,
    SAFE_ID,
    TAB_ID,
    config_url_problem,
    fill_slots,
    is_remote,
    normalize_url,
    safe_id,
    sanitize,
    slot,
)
from tests.conftest import MINIMAL_CONFIG


@pytest.mark.parametrize("url", ["h\tttp://x/a.png", "\nhttp://x/a.png", "HTTPS://x",
                                 "//x/a", "\\\\x/a", "/\\x/a", " \x01http://x", "ftp://x",
                                 "ht\rtp://x", "ws://x", "blob:", "h\nttps://x"])
def test_remote_as_a_browser_reads_it(url: str) -> None:
    if url == "blob:":
        assert not is_remote(url)
    else:
        assert is_remote(url), url


@pytest.mark.parametrize("html", [
    '<img src="h&#9;ttp://evil.test/a.png">',
    '<img src="&#10;//evil.test/a.png">',
    '<img srcset="a.png 1x, h&#x0A;ttps://evil.test/b.png 2x">',
    '<video poster="//evil.test/p.png"></video>',
    '<video><source src="htt&#13;p://evil.test/v.mp4"></video>',
    '<svg><rect fill="url(http://evil.test/f#a)"></rect></svg>',
    '<svg><rect stroke="URL( //evil.test/s#b)"></rect></svg>',
    '<svg><circle fill="u\\72l(//evil.test/e)"></circle></svg>',
    '<p style="background:url(//evil.test/x)">x</p>',
    '<object data="//evil.test/o"></object>',
    '<table background="//evil.test/bg.png"><tr><td>x</td></tr></table>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    '<a href="j&#9;avascript:alert(1)">a</a>',
    '<a href="&#1;javascript:alert(1)">a</a>',
    '<a href="data:text/html,<script>alert(1)</script>">a</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>',
])
def test_no_remote_load_and_no_script_url_survives(html: str) -> None:
    out = sanitize(html)
    assert "evil.test" not in out and "javascript" not in out.lower() and "alert" not in out, out


def test_links_to_other_hosts_stay_and_are_normalised() -> None:
    assert sanitize('<a href="h&#9;ttps://example.org/x">x</a>') == \
        '<a href="https://example.org/x">x</a>'


@pytest.mark.parametrize("value", ["__config", "__search", "__drawer", "lmsctl-l-q1",
                                   "md-sidebar", 'x" autofocus onfocus="alert(1)',
                                   "Step One", "_private", "", "--", "UPPER"])
def test_ids_become_safe_slugs(value: str) -> None:
    out = safe_id(value)
    assert SAFE_ID.match(out) and not out.startswith(RESERVED_ID_PREFIXES), (value, out)


@given(st.text(max_size=40))
def test_safe_id_is_always_a_safe_slug_and_stable(value: str) -> None:
    out = safe_id(value)
    assert (SAFE_ID.match(out) and not out.startswith(RESERVED_ID_PREFIXES)) or \
        TAB_ID.match(out)
    assert safe_id(out) == out


def test_references_follow_renamed_ids_and_keep_good_ones() -> None:
    out = sanitize('<input type="radio" id="__search" name="__drawer">'
                   '<label for="__search">a</label><a href="#__search">t</a>'
                   '<h2 id="summary">S</h2><a href="#fn:1">1</a>')
    assert 'id="u-search"' in out and 'for="u-search"' in out
    assert 'href="#u-search"' in out and 'name="u-drawer"' in out
    assert 'id="summary"' in out and 'href="#fn:1"' in out


def test_content_tab_controls_keep_their_shape_only() -> None:
    out = sanitize('<input type="radio" id="__tabbed_1_1" name="__tabbed_1">'
                   '<label for="__tabbed_1_1">a</label><a href="#__tabbed_1_3">t</a>'
                   '<input id="__tabbed_config">')
    assert 'id="__tabbed_1_1"' in out and 'name="__tabbed_1"' in out
    assert 'href="#__tabbed_1_3"' in out and 'id="u-tabbed_config"' in out


def test_runtime_and_theme_hooks_are_lmsctl_only() -> None:
    out = sanitize('<fieldset class="lmsctl-question note" data-lmsctl-question="q"'
                   ' data-lmsctl-course="c" data-md-component="search" data-md-toggle="x">'
                   '<button data-lmsctl-check>c</button></fieldset><pre class="mermaid">g</pre>')
    assert "data-lmsctl" not in out and "data-md" not in out and "lmsctl-question" not in out
    assert 'class="note"' in out and "mermaid" not in out


def test_slots_fill_only_with_the_build_nonce() -> None:
    html = sanitize(slot("lmsctlabc", 0) + slot("lmsctlzzz", 0) + slot("lmsctlabc", 0))
    out, filled = fill_slots(html, "lmsctlabc", ["<quiz/>"])
    assert out.count("<quiz/>") == 1 and filled == 1 and "lmsctlzzz-0" in out


@pytest.mark.parametrize("value, query_ok", [
    ('https://x.org/" onload="a', True), ("https://x.org/ a", True), ("javascript:alert(1)", True),
    ("https://x.org/\t", True), ("ftp://x.org/", True), ("https://x.org/?q=1", False),
    ("https://x.org/#top", False), ("https://x.org/<", True), ("https://", True),
    ("https://x.org/'", True), ("//x.org/", True)])
def test_config_urls_refused(value: str, query_ok: bool) -> None:
    assert config_url_problem(value, allow_query=query_ok) is not None


def test_plain_config_urls_accepted() -> None:
    for value in ("https://learn.example.com/", "http://127.0.0.1:8000/lmsctl/",
                  "https://github.com/acme/learning"):
        assert config_url_problem(value, allow_query=False) is None
    assert normalize_url(" h\tttps://x\n ") == "https://x"


@pytest.mark.parametrize("key, bad", [
    ("url: https://example.org/learn/", 'url: "https://example.org/\\" onx=\\"a"'),
    ("url: https://github.com/acme/learning", "url: javascript:alert(1)"),
    ("branch: main", 'branch: "main\\" onmouseover=\\"x"'),
    ("branch: main", "branch: ../../etc"),
])
def test_config_url_errors_at_their_key(make_repo: Callable[..., Path], key: str,
                                        bad: str) -> None:
    root = make_repo({"lmsctl.yml": MINIMAL_CONFIG.replace(key, bad)})
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root)])
    assert result.exit_code == 1 and "LMS104" in result.output, result.output
    line = next(i for i, text in enumerate(MINIMAL_CONFIG.splitlines(), 1) if key in text)
    assert f"lmsctl.yml:{line}:" in result.output and "hint:" in result.output
