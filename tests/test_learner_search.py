"""The learners' search index writer (``lmsctl.targets.site.learner_search``): it depends only
on the pages' documents (not on their order), finds every indexed word of a document, drops
a removed page, keeps the author guide in its own scope, and reads queries the way the
site's script does."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.targets.site import learner_search as ls
from tests.search_support import read_index

WORDS = ["pricing", "price", "objection", "value", "discount", "café", "naïve", "über",
         "2026", "x", "the", "and", "Ünïcödé", "日本語", "𝔘nicode", "renewal"]
text = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
section = st.tuples(text, text)  # (heading, body)
page = st.tuples(text, st.lists(section, max_size=3), st.sampled_from(["", "Sales 101"]))
srcs = st.sampled_from([f"courses/c{i}/lessons/0{i}-l.md" for i in range(6)]
                       + ["skills.md", "contributing/index.md", "contributing/rules.md"])
catalogs = st.dictionaries(srcs, page, max_size=8)


def html_of(sections: list[tuple[str, str]], intro: str) -> str:
    out = f"<p>{intro}</p>"
    for k, (heading, body) in enumerate(sections):
        out += f'<h2 id="s{k}">{heading}</h2><p>{body}</p>'
    return out


def docs_of(catalog: dict[str, tuple[str, list[tuple[str, str]], str]]
            ) -> dict[str, ls.PageDocs]:
    return {src: ls.page_docs(html_of(sections, title), src.removesuffix(".md") + "/",
                              title, course, ls.scope_of(src))
            for src, (title, sections, course) in catalog.items()}


def write(tmp: Path, docs: dict[str, ls.PageDocs]) -> Path:
    site = tmp / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / ls.SCRIPT).parent.mkdir(parents=True)
    (site / ls.SCRIPT).write_text("", encoding="utf-8")
    ls.write_index(site, docs)
    return site


@settings(max_examples=60, deadline=None)
@given(catalogs, st.randoms(use_true_random=False))
def test_the_index_depends_only_on_the_documents_not_their_order(
        catalog: dict[str, tuple[str, list[tuple[str, str]], str]], rnd: object) -> None:
    docs = docs_of(catalog)
    keys = list(docs)
    rnd.shuffle(keys)  # type: ignore[attr-defined]
    shuffled = {k: docs[k] for k in keys}
    assert ls.index_files(docs) == ls.index_files(shuffled)
    # what a build cache hands over: the documents after a JSON round trip
    assert ls.index_files(json.loads(json.dumps(docs))) == ls.index_files(docs)


@settings(max_examples=60, deadline=None)
@given(catalogs)
def test_every_indexed_word_of_a_document_finds_it(
        tmp_path_factory: pytest.TempPathFactory,
        catalog: dict[str, tuple[str, list[tuple[str, str]], str]]) -> None:
    site = write(tmp_path_factory.mktemp("idx"), docs_of(catalog))
    for scope in ls.SCOPES:
        index = read_index(site, scope)
        expected: dict[str, set[tuple[int, bool]]] = {}
        for i, doc in enumerate(index.docs):
            src = next(s for s in catalog if doc[0].startswith(s.removesuffix(".md") + "/"))
            assert ls.scope_of(src) == scope
            title, sections, course = catalog[src]
            assert doc[3] == course
            heading, body = ((title, title) if "#" not in doc[0]
                             else sections[int(doc[0].rsplit("#s", 1)[1])])
            for w in ls.terms(heading):
                expected.setdefault(w, set()).add((i, True))
            for w in ls.terms(body):
                if w not in ls.terms(heading):
                    expected.setdefault(w, set()).add((i, False))
        assert {t: set(v) for t, v in index.terms.items()} == expected
        for postings in index.terms.values():
            assert [d for d, _ in postings] == sorted({d for d, _ in postings})  # increasing


def test_removing_a_page_removes_it_from_the_index(tmp_path: Path) -> None:
    catalog = {
        "courses/a/lessons/01-x.md": ("Pricing basics", [("Discounts", "give a discount")],
                                      "Sales 101"),
        "courses/b/lessons/01-y.md": ("Renewal calls", [("Value", "renewal value talk")],
                                      "Account care"),
    }
    docs = docs_of(catalog)
    before = read_index(write(tmp_path, docs))
    assert before.find("discount") and before.find("renewal")
    del docs["courses/a/lessons/01-x.md"]
    site = write(tmp_path, docs)
    after = read_index(site)
    assert "discount" not in after.terms and "pricing" not in after.terms
    assert {d[0].split("#")[0] for d in after.find("renewal")} == {"courses/b/lessons/01-y/"}
    assert not any(d[0].startswith("courses/a/") for d in after.docs)
    assert write(tmp_path / "cold", docs) and sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*")) == sorted(
        p.relative_to(tmp_path / "cold/site").as_posix()
        for p in (tmp_path / "cold/site").rglob("*"))  # no file of the removed page is left


def test_author_pages_have_their_own_scope(tmp_path: Path) -> None:
    docs = docs_of({
        "courses/a/lessons/01-x.md": ("Pricing", [], "Sales 101"),
        "contributing/rules.md": ("Lint rules", [("LMS001", "pricing rule")], ""),
    })
    site = write(tmp_path, docs)
    learn, authors = read_index(site), read_index(site, "authors")
    assert [d[0] for d in learn.find("pricing")] == ["courses/a/lessons/01-x/"]
    assert [d[0] for d in authors.find("pricing")] == ["contributing/rules/#s0"]
    assert learn.find("rule") == [] and learn.find("lms001") == []


def test_a_result_names_its_course_and_page() -> None:
    [intro, part] = ls.page_docs('<p>Open with a question.</p><h2 id="why">Why ask</h2>'
                                 '<p>Because &amp; <code>x</code> matters</p>',
                                 "courses/a/ask/", "Asking well", "Discovery skills")
    assert json.loads(intro["shown"]) == ["courses/a/ask/", "Asking well", "",
                                         "Discovery skills", "Open with a question."]
    assert json.loads(part["shown"]) == ["courses/a/ask/#why", "Why ask", "Asking well",
                                        "Discovery skills", "Because & x matters"]
    assert part["title_terms"] == "ask" and part["terms"] == "matters"  # "why", "because": stop


def test_a_site_without_the_search_script_gets_no_index(tmp_path: Path) -> None:
    ls.write_index(tmp_path, docs_of({"skills.md": ("Skills", [], "")}))
    assert not (tmp_path / "search").exists()


@given(st.integers(min_value=0, max_value=10**9))
def test_base36_is_what_javascript_parses(n: int) -> None:
    assert int(ls.base36(n), 36) == n
    assert re.fullmatch(r"[0-9a-z]+", ls.base36(n))


def test_the_script_reads_words_as_the_index_does(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: apt-get install nodejs")
    script = (Path(ls.__file__).parent / "theme" / ls.SCRIPT).read_text(encoding="utf-8")
    words_js = re.search(r"  function words\(s\) \{.*?\n  \}\n", script, re.S)
    assert words_js
    samples = ["Café crème, naïve ÜBER-price!", "日本語のテキスト 2026年", "x_y a-b O'Brien",
               "𝔘nicode ﬁne ½ Straße İstanbul", "tab\tnew\nline", "ＦＵＬＬ width"]
    program = words_js.group(0) + (
        "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>"
        "console.log(JSON.stringify(JSON.parse(d).map(words))));")
    out = subprocess.run([node, "-e", program], input=json.dumps(samples), text=True,
                         capture_output=True, check=True).stdout
    assert json.loads(out) == [ls.words(s) for s in samples]


def test_groups_split_a_large_scope_by_course() -> None:
    assert [ls.groups_for(n) for n in (0, 1, 1024, 1025, 2048, 2049, 7026)] == \
        [1, 1, 1, 2, 2, 4, 8]
    assert ls.group_of("courses/a/lessons/01-x.md", 8) == ls.group_of("courses/a/index.md", 8)
    assert ls.group_of("skills.md", 8) == ls.group_of("catalog.md", 8)
    assert {ls.group_of(f"courses/c{i}/index.md", 8) for i in range(100)} == set(range(8))


@settings(max_examples=40, deadline=None)
@given(catalogs)
def test_every_indexed_word_finds_its_documents_in_any_group(
        tmp_path_factory: pytest.TempPathFactory,
        catalog: dict[str, tuple[str, list[tuple[str, str]], str]]) -> None:
    """With groups of two pages: the same documents and postings as one group, numbered
    group after group."""
    docs = docs_of(catalog)
    one = write(tmp_path_factory.mktemp("one"), docs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ls, "GROUP_PAGES", 2)
        many = write(tmp_path_factory.mktemp("many"), docs)
    for scope in ls.SCOPES:
        a, b = read_index(one, scope), read_index(many, scope)
        assert sorted(map(tuple, a.docs)) == sorted(map(tuple, b.docs))
        assert a.terms.keys() == b.terms.keys()
        for term in a.terms:
            assert sorted(tuple(d) for d in a.find(term)) == sorted(tuple(d) for d in b.find(term))
            assert [d for d, _ in b.terms[term]] == sorted({d for d, _ in b.terms[term]})


def test_a_rewrite_keeps_the_groups_whose_pages_did_not_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ls, "GROUP_PAGES", 2)
    catalog = {f"courses/c{i}/lessons/01-l.md": (f"Lesson {i} pricing", [("Value", "renewal")],
                                                 f"Course {i}") for i in range(12)}
    docs = docs_of(catalog)
    before = write(tmp_path / "before", docs)
    changed = "courses/c3/lessons/01-l.md"
    docs[changed] = docs_of({changed: ("Lesson 3 discount", [], "Course 3")})[changed]
    del docs["courses/c5/lessons/01-l.md"]
    intact = {p.relative_to(before).as_posix(): 1 for p in before.rglob("*") if p.is_file()}
    site = tmp_path / "after"
    (site / ls.SCRIPT).parent.mkdir(parents=True)
    (site / ls.SCRIPT).write_text("", encoding="utf-8")
    same = set(docs) - {changed}
    kept = ls.write_index(site, docs, before, same, intact)
    for name in kept:  # what the build cache does (build_cache.assemble)
        assert not (site / name).exists()
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(before / name, site / name)
    cold = write(tmp_path / "cold", docs)
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file()} == {p.relative_to(cold).as_posix(): p.read_bytes()
                                for p in cold.rglob("*") if p.is_file()}
    count = ls.groups_for(len(docs))
    rewritten = {ls.group_of(changed, count), ls.group_of("courses/c5/lessons/01-l.md", count)}
    assert kept and {int(name.split("/")[2]) for name in kept} == \
        set(range(count)) - rewritten - {g for g in range(count)
                                         if not any(ls.group_of(s, count) == g for s in docs)}
