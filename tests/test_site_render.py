"""Render shortcuts change the speed, not the site: lesson search entries equal what
mkdocs-material's own search plugin makes of the same HTML (Hypothesis), and a build with the
shortcuts off (``extra.lmsctl.fast: false``) writes the same files."""

from __future__ import annotations

import filecmp
import html
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.checks.validate import validate_repository
from lmsctl.core.history import History
from lmsctl.core.html_policy import sanitize
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site import render
from lmsctl.targets.site.search_index import entries
from tests.search_support import read_index
from tests.site_support import copy_sample


def material_entries(content: str, url: str, title: str) -> list[dict[str, str]]:
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=[], fields={})
    ids = re.findall(r'<h[1-6]\b[^>]*\sid="([^"]*)"', content)
    toc = [SimpleNamespace(id=i, url=f"#{i}", children=[]) for i in ids]
    page = SimpleNamespace(meta={"title": title}, content=content, toc=toc, url=url,
                           title=title)
    index.add_entry_from_context(page)
    return [{k: e[k] for k in ("location", "title", "text")} for e in index.entries]


def normal(items: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """Compare as text: entities decoded, empty kept-tags and whitespace runs dropped."""
    def text(t: str) -> str:
        t = html.unescape(t)
        for _ in range(3):
            t = re.sub(r"<(p|li|ul|ol|code|pre|sub|sup)>\s*</\1>", "", t)
        return re.sub(r"\s+", " ", t).strip()

    return [(e["location"], text(e["title"]), text(e["text"])) for e in items]


WORDS = st.text(alphabet=st.sampled_from(list("abc xyz&<>\"'é·")), min_size=1, max_size=12)


@st.composite
def blocks(draw: Any) -> str:
    kind = draw(st.sampled_from(["p", "h2", "h3", "ul", "pre", "table", "div", "img"]))
    words = draw(WORDS).strip() or "w"
    text = html.escape(words)
    if kind == "p":
        inline = draw(st.sampled_from(["", "<em>{}</em>", "<code>{}</code>", "<a href='#x'>{}</a>",
                                       "<sup>{}</sup>"]))
        return f"<p>{text} {inline.format(text) if inline else ''}</p>"
    if kind in ("h2", "h3"):
        ident = draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True))
        return (f'<{kind} id="{ident}">{text}<a class="headerlink" href="#{ident}" '
                f'title="Link">¶</a></{kind}>')
    if kind == "ul":
        n = draw(st.integers(1, 3))
        return "<ul>" + "".join(f"<li>{text} {i}</li>" for i in range(n)) + "</ul>"
    if kind == "pre":
        return f'<div class="highlight"><pre><span></span><code><span class="k">{text}</span>' \
               "\n</code></pre></div>"
    if kind == "table":
        return f"<table><thead><tr><th>{text}</th></tr></thead><tbody><tr><td>{text}</td>" \
               "</tr></tbody></table>"
    if kind == "img":
        return f'<p><img alt="{text}" src="a.png"></p>'
    return f'<div class="admonition note"><p class="admonition-title">{text}</p><p>{text}</p>' \
           "</div>"


@settings(max_examples=200, deadline=None)
@given(st.lists(blocks(), min_size=0, max_size=12), WORDS)
def test_lesson_index_entries_match_materials(parts: list[str], title: str) -> None:
    content = sanitize("\n".join(parts))
    url = "courses/c/l/"
    assert normal(entries(content, url, title)) == normal(material_entries(content, url, title))


def test_entries_leave_out_headerlinks_and_keep_only_text_tags() -> None:
    content = ('<p>Intro <em>now</em>.</p><h2 id="why">Why <code>x</code>'
               '<a class="headerlink" href="#why">¶</a></h2><table><tr><td>cell</td></tr></table>'
               "<ul><li>one</li></ul>")
    assert entries(content, "u/", "Page") == [
        {"location": "u/", "title": "Page", "text": "<p>Intro now.</p>"},
        {"location": "u/#why", "title": "Why x", "text": "cell<ul><li>one</li></ul>"},
    ]


def test_shortcuts_off_gives_the_same_site(tmp_path: Path) -> None:
    repo, _ = validate_repository(copy_sample(tmp_path / "repo"))
    selection = compiler.select(repo, drafts=False)
    compiled = compiler.compile_site(repo, selection, tmp_path / "work", compiler.Options(),
                                     History.unavailable("test"))
    render.render(compiled, tmp_path / "fast")
    config = yaml.safe_load(compiled.config_file.read_text(encoding="utf-8"))
    config["extra"]["lmsctl"]["fast"] = False
    compiled.config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    render.render(compiled, tmp_path / "slow")

    def differing(d: filecmp.dircmp[str], prefix: str = "") -> list[str]:
        out = [prefix + f for f in d.diff_files + d.left_only + d.right_only]
        for name, sub in d.subdirs.items():
            out += differing(sub, f"{prefix}{name}/")
        return out

    assert differing(filecmp.dircmp(tmp_path / "fast", tmp_path / "slow")) == []

    lessons = sum(len(c.lessons) for c in repo.courses)
    index = read_index(tmp_path / "fast")  # the same bytes in both (compared above)
    assert len({u for u in index.locations() if "/" in u[8:].rstrip("/")}) >= lessons
