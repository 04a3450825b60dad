"""What the site makes of particular content: author HTML is sanitized, author text escaped,
drafts and archived courses handled, one-course previews, history and freshness shown, and a
page's size independent of the size of the catalog."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synth import PNG, generate
from lmsctl.cli import cli
from lmsctl.core.errors import UsageError
from lmsctl.targets.site import urls
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON
from tests.gitrepo import ANN, BOB, GitRepo
from tests.site_support import build, leftovers, page

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
LESSON_URL = urls.lesson_url("sales-basics", "discovery-questions")


def lesson_with(body: str) -> str:
    """The minimal lesson with ``body`` before its quiz."""
    quiz = MINIMAL_LESSON[MINIMAL_LESSON.index("```quiz"):]
    return f"---\ntitle: Discovery questions\nduration: 5\n---\n{body}\n\n{quiz}"


def test_author_html_is_sanitized_whatever_the_lint_settings(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    body = """\
Hello <script>alert("pwned")</script> world.

<img src="../assets/x.png" alt="x" onerror="alert(1)">

[click](javascript:alert(2))

<iframe src="https://example.org/"></iframe>

<style>body { display: none }</style>

<pre class="mermaid">graph TD; A-->B</pre>

A paragraph with an attribute list.
{: onclick="alert(3)" }

<form action="https://example.org/steal"><input name="password"></form>

<details><summary>Kept</summary>Details stay.</details>

| Left | Right |
|:-----|------:|
| a    | b     |

!!! tip "Kept too"
    Admonitions stay.
"""
    repo = make_repo({LESSON: lesson_with(body), "courses/sales-basics/assets/x.png": PNG})
    build(repo, tmp_path / "site")
    html = (tmp_path / "site" / LESSON_URL / "index.html").read_text(encoding="utf-8")
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1]
    article = article.split("</article>", 1)[0]
    for bad in ('alert("pwned")', "onerror", "javascript:", "<iframe", "<style",
                'onclick="alert(3)"', "<form", "example.org/steal", 'class="mermaid"'):
        assert bad not in article, bad
    assert "<script" not in article
    assert '<img src="../assets/x.png" alt="x">' in article
    assert "<details>" in article and "Details stay." in article
    assert 'class="admonition tip"' in article
    assert '<th align="left">' in article and '<td align="right">' in article
    # Theme and lmsctl scripts are still there, outside the author's content.
    assert '<script src="../../../assets/lmsctl/runtime/lmsctl.js" defer>' in html


def test_author_text_is_escaped_in_titles_quizzes_and_cards(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    quiz = """\
```quiz
- question: Is <b>bold</b> & "quoted" <script>alert(1)</script> text safe?
  choices:
    - text: Yes <img src=x onerror=alert(2)>
      correct: true
      explanation: It is shown as text, <i>not</i> HTML.
    - text: No
      explanation: Escaped & shown.
```
"""
    lesson = '---\ntitle: "Pricing <em>tricks</em> & tips"\nduration: 5\n---\nText.\n\n' + quiz
    course = MINIMAL_COURSE.replace("title: Sales basics",
                                    'title: "Sales <script>alert(3)</script> basics"')
    repo = make_repo({LESSON: lesson, "courses/sales-basics/course.yml": course})
    build(repo, tmp_path / "site")
    html = (tmp_path / "site" / LESSON_URL / "index.html").read_text(encoding="utf-8")
    assert "<title>Pricing &lt;em&gt;tricks&lt;/em&gt; &amp; tips - Test Learning</title>" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34; &lt;script&gt;" in html  # markupsafe
    assert "Yes &lt;img src=x onerror=alert(2)&gt;" in html
    assert "It is shown as text, &lt;i&gt;not&lt;/i&gt; HTML." in html
    for url in ("", urls.CATALOG, urls.course_url("sales-basics"), LESSON_URL):
        text = page(tmp_path / "site", url).html
        assert "<script>alert" not in text and "<em>tricks" not in text
    assert "Sales &lt;script&gt;alert(3)&lt;/script&gt; basics" in page(
        tmp_path / "site", urls.CATALOG).html


def test_quizzes_inside_admonitions_and_multiple_answers(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    lesson = """\
---
title: Discovery questions
duration: 5
---
Intro.

!!! question "Check yourself"

    ```quiz
    - id: open-ones
      question: Which questions are open?
      choices:
        - text: What made you look at this now?
          correct: true
        - text: How do you decide today?
          correct: true
        - text: Do you have a budget?
    ```

After the box.
"""
    repo = make_repo({LESSON: lesson})
    build(repo, tmp_path / "site")
    p = page(tmp_path / "site", LESSON_URL)
    questions = p.find("fieldset", data_lmsctl_question="open-ones")
    assert len(questions) == 1
    inner = p.inside(questions[0])
    assert [e.attrs["type"] for e in inner if e.tag == "input"] == ["checkbox"] * 3
    assert questions[0].attrs["data-lmsctl-correct"] == "0 1"
    assert "Choose all that apply." in questions[0].text
    assert "- id: open-ones" not in p.html
    admonition = p.find("div", **{"class": "admonition question"})
    assert admonition and questions[0] in p.inside(admonition[0])


def test_links_between_lessons_and_to_assets_resolve(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    second = ("---\ntitle: Next steps\nduration: 4\n---\nSee [the first lesson]"
              "(01-discovery-questions.md#why-ask) and ![a diagram](../assets/funnel.svg)."
              "\n\n```quiz\n" + MINIMAL_LESSON.split("```quiz\n", 1)[1])
    repo = make_repo({
        "courses/sales-basics/lessons/02-next-steps.md": second,
        "courses/sales-basics/assets/funnel.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    })
    build(repo, tmp_path / "site")
    p = page(tmp_path / "site", urls.lesson_url("sales-basics", "next-steps"))
    assert p.find("a", href="../discovery-questions/#why-ask")
    assert p.find("img", src="../assets/funnel.svg")
    assert (tmp_path / "site/courses/sales-basics/assets/funnel.svg").is_file()


def test_symlinked_assets_never_publish_files_from_outside_the_course(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish", encoding="utf-8")
    repo = make_repo({"courses/sales-basics/assets/ok.txt": "fine"})
    (repo / "courses/sales-basics/assets/leak.txt").symlink_to(secret)
    result = CliRunner().invoke(cli, ["build", "--repo", str(repo), "--out",
                                      str(tmp_path / "site")])
    assert result.exit_code == 1  # an error at the path, never a silent skip
    assert "courses/sales-basics/assets/leak.txt:1:1" in result.output
    assert "outside the repository" in result.output
    assert not (tmp_path / "site").exists()


def cards(out: Path, url: str) -> list[str]:
    """The courses carded on a page."""
    return [c.attrs["data-lmsctl-course"] for c in page(out, url).find("article")
            if "data-lmsctl-card" in c.attrs]


def _statuses_repo(make_repo: Callable[..., Path]) -> Path:
    def course(title: str, status: str) -> str:
        return MINIMAL_COURSE.replace("title: Sales basics", f"title: {title}") + \
            f"status: {status}\n"

    files: dict[str, str | bytes | None] = {}
    for cid, status in (("drafty", "draft"), ("old-news", "archived")):
        files[f"courses/{cid}/course.yml"] = course(cid.replace("-", " ").title(), status)
        files[f"courses/{cid}/lessons/01-only.md"] = MINIMAL_LESSON
    files["paths/everything.yml"] = ("title: Everything\nsummary: All of it.\nowners: ['@a']\n"
                                     "courses: [sales-basics, drafty, old-news]\n")
    files["paths/future.yml"] = ("title: Future\nsummary: Not yet.\nowners: ['@a']\n"
                                 "status: draft\ncourses: [sales-basics]\n")
    return make_repo(files)


def test_drafts_are_left_out_and_archived_courses_kept_out_of_the_catalog(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = _statuses_repo(make_repo)
    out = tmp_path / "site"
    build(repo, out)
    assert not (out / "courses/drafty").exists()
    assert not (out / "paths/future").exists()
    assert cards(out, urls.CATALOG) == ["sales-basics"]
    assert cards(out, "") == ["sales-basics"]
    archived = page(out, urls.course_url("old-news"))
    assert archived.find("div", data_lmsctl_status="archived")
    assert "Archived" in archived.html
    lesson = page(out, urls.lesson_url("old-news", "only"))
    assert lesson.find("div", data_lmsctl_status="archived")
    skills = page(out, urls.SKILLS).html
    assert "old-news" not in skills and "drafty" not in skills
    path = page(out, urls.path_url("everything"))
    steps = [s.attrs["data-lmsctl-course"] for s in path.find("li", **{"class": "lmsctl-step"})]
    assert steps == ["sales-basics", "old-news"]
    assert "future" not in page(out, urls.PATHS).html


def test_drafts_flag_builds_drafts_marked(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = _statuses_repo(make_repo)
    out = tmp_path / "site"
    build(repo, out, drafts=True)
    assert (out / "courses/drafty/index.html").is_file()
    assert (out / "paths/future/index.html").is_file()
    assert sorted(cards(out, urls.CATALOG)) == ["drafty", "sales-basics"]
    catalog = page(out, urls.CATALOG)
    drafty = catalog.find("article", data_lmsctl_course="drafty")[0]
    assert drafty.attrs["data-lmsctl-status"] == "draft" and "Draft" in drafty.text
    steps = page(out, urls.path_url("everything")).find("li", **{"class": "lmsctl-step"})
    assert [s.attrs["data-lmsctl-course"] for s in steps] == ["sales-basics", "drafty",
                                                              "old-news"]


def _preview_repo(make_repo: Callable[..., Path]) -> Path:
    advanced = MINIMAL_COURSE.replace("title: Sales basics", "title: Advanced selling") + \
        "prerequisites: [sales-basics]\n"
    return make_repo({
        "courses/advanced-selling/course.yml": advanced,
        "courses/advanced-selling/lessons/01-more.md": MINIMAL_LESSON,
        "courses/unrelated/course.yml": MINIMAL_COURSE.replace("Sales basics", "Unrelated"),
        "courses/unrelated/lessons/01-x.md": MINIMAL_LESSON,
    })


def test_course_preview_builds_the_course_and_what_it_links_to(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = _preview_repo(make_repo)
    # A broken course elsewhere does not stop the preview of another one.
    (repo / "courses/unrelated/course.yml").write_text("title: [unclosed\n", encoding="utf-8")
    out = tmp_path / "site"
    result, _ = build(repo, out, course="advanced-selling")
    assert result.preview == "advanced-selling"
    assert (out / "courses/advanced-selling/more/index.html").is_file()
    assert (out / "courses/sales-basics/index.html").is_file()
    assert not (out / "courses/unrelated").exists()
    home = page(out, "")
    assert "Preview" in home.html and "Advanced selling" in home.html
    assert leftovers(tmp_path) == []


def test_course_preview_reports_problems_of_that_course(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = _preview_repo(make_repo)
    (repo / "courses/advanced-selling/lessons/01-more.md").write_text(
        MINIMAL_LESSON.replace("correct: true", "correct: maybe"), encoding="utf-8")
    from lmsctl.core.errors import BuildError

    with pytest.raises(BuildError):
        build(repo, tmp_path / "site", course="advanced-selling")
    assert not (tmp_path / "site").exists()


def test_unknown_course_is_a_usage_error_with_a_suggestion(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo()
    with pytest.raises(UsageError) as info:
        build(repo, tmp_path / "site", course="sales-basic")
    assert "sales-basic" in info.value.message
    assert "Did you mean sales-basics?" in info.value.hint


def test_history_freshness_and_contributors_on_the_site(tmp_path: Path) -> None:
    from tests.conftest import minimal_files

    files = minimal_files()
    files["courses/fresh-course/course.yml"] = MINIMAL_COURSE.replace(
        "title: Sales basics", "title: Fresh course")
    files["courses/fresh-course/lessons/01-new.md"] = MINIMAL_LESSON
    git = GitRepo.init(tmp_path / "repo", {k: v for k, v in files.items()
                                            if "fresh-course" not in k})
    git.commit("Add sales basics", date="2020-01-10", author=ANN)
    git.write({k: v for k, v in files.items() if "fresh-course" in k})
    today = dt.date.today().isoformat()
    git.commit("Add a fresh course", date=today, author=BOB)
    out = tmp_path / "site"
    build(git.root, out)
    old = page(out, urls.course_url("sales-basics"))
    stale = old.find(None, data_lmsctl_stale=None)
    assert stale, "a course not changed for years is stale"
    assert "out of date" in stale[0].text
    flag = [a for a in old.inside(stale[0]) if a.tag == "a"]
    assert flag and "template=outdated.yml" in flag[0].attrs["href"]
    assert "10 January 2020" in old.html and "Ann Author" in old.html
    assert page(out, urls.lesson_url("sales-basics", "discovery-questions")).find(
        None, data_lmsctl_stale=None)
    fresh = page(out, urls.course_url("fresh-course"))
    assert fresh.find(None, data_lmsctl_stale=None) == []
    assert "Bob Builder" in fresh.html
    contributors = page(out, urls.CONTRIBUTORS).html
    assert "Ann Author" in contributors and "Bob Builder" in contributors
    assert "ann@example.org" not in contributors
    whats_new = page(out, urls.WHATS_NEW).html
    assert whats_new.index("Fresh course") < whats_new.index("Sales basics")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 2
    home = page(out, "")
    assert "New and updated courses" in home.html
    assert home.html.index("Fresh course") < home.html.index("Sales basics")


def test_a_page_costs_the_same_whatever_the_size_of_the_catalog(tmp_path: Path) -> None:
    """The pages of a course do not grow with the catalog: its lesson pages are the same
    bytes in a catalog of 3 courses and in one of 12."""
    sizes = {}
    for n in (3, 12):
        generate(tmp_path / f"synth{n}", n, lessons=2)
        out = tmp_path / f"site{n}"
        build(tmp_path / f"synth{n}", out, with_history=False)
        # the generated catalogs put course-0001 in different paths; the page names only its own
        # (each with its required courses)
        sizes[n] = {url: re.sub(rb'"paths":\[(?:[^][]|\[[^]]*\])*\]', b"",
                                (out / url / "index.html").read_bytes())
                    for url in (urls.lesson_url("course-0001", "part-1"),
                                urls.lesson_url("course-0001", "part-2"))}
    assert sizes[3] == sizes[12]
    catalog3 = (tmp_path / "site3" / urls.CATALOG / "index.html").stat().st_size
    catalog12 = (tmp_path / "site12" / urls.CATALOG / "index.html").stat().st_size
    assert catalog12 > catalog3  # the catalog itself lists every course, of course


def test_lesson_pages_carry_no_site_wide_lists(make_repo: Callable[..., Path],
                                               tmp_path: Path) -> None:
    repo = _preview_repo(make_repo)
    out = tmp_path / "site"
    build(repo, out)
    html = page(out, urls.lesson_url("advanced-selling", "more")).html
    assert "Unrelated" not in html
    assert len(re.findall(r'href="[^"]*courses/[^"]*"', html)) <= 6


def test_content_in_another_language_says_so(make_repo: Callable[..., Path],
                                             tmp_path: Path) -> None:
    repo = make_repo({"courses/sales-basics/course.yml": MINIMAL_COURSE + "language: pt-BR\n"})
    build(repo, tmp_path / "site")
    lesson = page(tmp_path / "site", LESSON_URL)
    wrappers = lesson.find("div", lang="pt-BR")
    assert len(wrappers) == 1
    inner = lesson.inside(wrappers[0])
    assert any(e.tag == "h1" for e in inner)
    assert any("data-lmsctl-question" in e.attrs for e in inner)
    assert lesson.find("html", lang="en")  # the site's own words stay English
    assert page(tmp_path / "site", urls.course_url("sales-basics")).find("div", lang="pt-BR")
    assert page(tmp_path / "site", urls.CATALOG).find("div", lang="pt-BR") == []
