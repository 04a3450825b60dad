"""The learning site built from the sample repository: every stable URL, the pages' content,
quizzes as accessible HTML, links that work under any sub-path, nothing fetched from the
internet. The sample is built once for this module."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from lmsctl.content.loader import load_repository
from lmsctl.core.model import Repository
from lmsctl.targets.site import urls
from lmsctl.targets.site.pipeline import BuildResult
from tests.search_support import read_index
from tests.site_support import build, copy_sample, internal_targets, leftovers, page


@dataclass
class Site:
    repo_dir: Path
    out: Path
    result: BuildResult
    printed: str
    model: Repository


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    base = tmp_path_factory.mktemp("sample-site")
    repo_dir = copy_sample(base / "repo")
    out = base / "out" / "site"
    result, printed = build(repo_dir, out)
    model, _ = load_repository(repo_dir)
    return Site(repo_dir, out, result, printed, model)


def html_pages(out: Path) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        found.append((url, path))
    return found


def test_every_stable_url_exists(site: Site) -> None:
    expected = ["", "catalog/", "skills/", "paths/", "contributors/", "whats-new/",
                "contributing/", "contributing/rules/"]
    expected += [urls.path_url(p.id) for p in site.model.paths]
    for course in site.model.courses:
        expected.append(urls.course_url(course.id))
        expected += [urls.lesson_url(course.id, lesson.id) for lesson in course.lessons]
    missing = [u for u in expected if not (site.out / u / "index.html").is_file()]
    assert missing == []
    assert (site.out / "feed.xml").is_file()
    assert (site.out / "search" / "learn" / "meta.json").is_file()
    assert not (site.out / "assets/javascripts/lunr").exists()  # Material's search: unused
    assert site.result.courses == len(site.model.courses)
    assert leftovers(site.out.parent) == []


def test_lessons_get_their_stable_urls_not_their_file_names(site: Site) -> None:
    assert not list(site.out.glob("courses/*/lessons"))
    assert (site.out / "courses/handling-pricing-objections/why-customers-object/index.html"
            ).is_file()


def test_quizzes_are_accessible_html_not_code(site: Site) -> None:
    checked = 0
    for course in site.model.courses:
        for lesson in course.lessons:
            p = page(site.out, urls.lesson_url(course.id, lesson.id))
            questions = p.find("fieldset", data_lmsctl_question=None)
            assert len(questions) == len(lesson.questions), lesson.rel
            assert "```quiz" not in p.html and "- question:" not in p.html
            for q, fs in zip(lesson.questions, questions, strict=True):
                assert fs.attrs["data-lmsctl-key"] == q.key
                assert fs.attrs["data-lmsctl-course"] == course.id
                assert fs.attrs["data-lmsctl-lesson"] == lesson.id
                assert "data-lmsctl-result" not in fs.attrs  # set by the script after a check
                inner = p.inside(fs)
                legends = [e for e in inner if e.tag == "legend"]
                assert len(legends) == 1 and q.question in legends[0].text
                inputs = [e for e in inner if e.tag == "input"]
                assert [i.attrs["type"] for i in inputs] == (
                    ["checkbox" if q.multiple else "radio"] * len(q.choices))
                assert len({i.attrs["name"] for i in inputs}) == 1
                labels = {e.attrs.get("for"): e.text for e in inner if e.tag == "label"}
                for i, choice in zip(inputs, q.choices, strict=True):
                    assert labels[i.attrs["id"]] == choice.text
                explanations = [e for e in inner if "data-lmsctl-explanation" in e.attrs]
                assert len(explanations) == len(q.choices)
                assert all("hidden" in e.attrs for e in explanations)
                buttons = [e for e in inner if e.tag == "button"]
                assert [b.attrs.get("type") for b in buttons] == ["button"]
                assert "data-lmsctl-check" in buttons[0].attrs
                feedback = [e for e in inner if "data-lmsctl-feedback" in e.attrs]
                assert feedback and feedback[0].attrs.get("aria-live") == "polite"
                checked += 1
    assert checked == sum(len(c.questions) for c in site.model.courses) > 0


def test_lesson_has_its_course_navigation_only(site: Site) -> None:
    course = site.model.course("handling-pricing-objections")
    assert course is not None
    lesson = course.lessons[1]
    p = page(site.out, urls.lesson_url(course.id, lesson.id))
    navs = p.find("nav", aria_label=f"Lessons of {course.title}")
    assert len(navs) == 1
    links = [e for e in p.inside(navs[0]) if e.tag == "a" and "data-lmsctl-lesson" in e.attrs]
    assert [a.attrs["data-lmsctl-lesson"] for a in links] == [x.id for x in course.lessons]
    assert [a.attrs.get("aria-current") for a in links] == [None, "page", None, None]
    other_lessons = [x.id for c in site.model.courses if c.id != course.id for x in c.lessons]
    hrefs = [e.attrs.get("href", "") for e in p.elements if e.tag == "a"]
    assert not any(h.rstrip("/").endswith("/" + x) for h in hrefs for x in other_lessons
                   if "courses/" in h)
    # The global navigation holds only the top sections.
    tabs = [e.text.strip() for e in p.find("a", **{"class": "md-tabs__link"})]
    assert tabs == ["Home", "Catalog", "Paths", "Skills", "What's new", "Contributors",
                    "Contributing"]


def test_previous_and_next(site: Site) -> None:
    course = site.model.course("sales-basics")
    assert course is not None
    ids = [x.id for x in course.lessons]
    for i, lesson_id in enumerate(ids):
        p = page(site.out, urls.lesson_url(course.id, lesson_id))
        prev = p.find("a", data_lmsctl_prev=None)
        nxt = p.find("a", data_lmsctl_next=None)
        if i == 0:
            assert prev == []
        else:
            assert prev[0].attrs["href"] == f"../{ids[i - 1]}/"
            assert prev[0].attrs["rel"] == "prev"
        if i == len(ids) - 1:
            assert nxt[0].attrs["href"] == "../#result" and "See your result" in nxt[0].text
        else:
            assert nxt[0].attrs["href"] == f"../{ids[i + 1]}/"


def test_every_internal_link_leads_to_a_built_file(site: Site) -> None:
    broken = []
    for url, path in html_pages(site.out):
        if url == "404.html":
            continue  # MkDocs' 404 page links from the site root, on purpose
        text = path.read_text(encoding="utf-8")
        broken += [(url, link) for link, target in internal_targets(site.out, url, text)
                   if not target.is_file()]
    assert broken == []


def test_links_are_relative_so_any_sub_path_works(site: Site) -> None:
    for url, _ in html_pages(site.out):
        if url == "404.html":
            continue
        p = page(site.out, url)
        rooted = [v for e in p.elements for k, v in e.attrs.items()
                  if k in ("href", "src", "action") and v.startswith("/")]
        assert rooted == [], f"{url} has root-relative links {rooted[:3]}"


ALLOWED_LINK_HOSTS = {"github.com"}  # feedback links to the repository, contributors' profiles


def test_nothing_is_fetched_from_the_internet(site: Site) -> None:
    """No src/stylesheet/preload/import/url() to another host: <link href> only as the
    canonical URL of the site itself. (<a href> is a link a learner may follow, not a request;
    lmsctl's own pages link out only to the repository, see the next test.)"""
    site_host = urlsplit(site.model.config.site_url).hostname
    problems = []
    for path in sorted(site.out.rglob("*")):
        if path.suffix not in (".html", ".css", ".js", ".xml", ".json") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(site.out).as_posix()
        if "fonts.googleapis" in text or "fonts.gstatic" in text:
            problems.append((rel, "Google Fonts"))
        if path.suffix == ".css":
            problems += [(rel, u) for u in re.findall(r"url\(\s*['\"]?(https?:[^)'\"]+)", text)]
            imports = re.findall(r"@import\s+(?:url\()?['\"]?(https?:[^'\")]+)", text)
            problems += [(rel, u) for u in imports]
        if path.suffix != ".html":
            continue
        for m in re.finditer(r"<(\w+)\b([^>]*)>", text):
            tag, attrs = m.group(1).lower(), m.group(2)
            for name, value in re.findall(r'\s(src|href|srcset|poster|data)="([^"]*)"', attrs):
                host = urlsplit(value).hostname
                if not value.startswith(("http:", "https:", "//")) or host is None:
                    continue
                if tag == "a":
                    continue
                if tag == "link" and 'rel="canonical"' in attrs and host == site_host:
                    continue
                problems.append((rel, f"<{tag} {name}={value}>"))
    assert problems == []
    # the runtime of a site without analytics: no network code at all (no xAPI recorder)
    runtime = sorted((site.out / "assets/lmsctl/runtime").rglob("*.js"))
    assert runtime and not [p for p in runtime if "xapi" in p.as_posix()]
    for path in runtime:
        js = path.read_text(encoding="utf-8")
        assert "http:" not in js and "https:" not in js and "fetch(" not in js, path
    mkdocs_pages = [p for p in site.out.rglob("*.html")]
    assert all("__md_get" in p.read_text(encoding="utf-8") for p in mkdocs_pages[:3])


def test_lmsctl_pages_link_out_only_to_the_repository(site: Site) -> None:
    generated = ["", urls.CATALOG, urls.SKILLS, urls.PATHS]
    generated += [urls.course_url(c.id) for c in site.model.courses]
    generated += [urls.lesson_url(c.id, x.id) for c in site.model.courses for x in c.lessons]
    hosts = {urlsplit(e.attrs["href"]).hostname for url in generated
             for e in page(site.out, url).find("a") if e.attrs.get("href", "").startswith("http")}
    assert hosts <= ALLOWED_LINK_HOSTS


def test_theme_is_offline_and_has_both_palettes(site: Site) -> None:
    home = page(site.out, "")
    assert home.find("link", rel="preconnect") == []
    schemes = {e.attrs.get("data-md-color-scheme") for e in home.find("input",
                                                                       name="__palette")}
    assert schemes == {"default", "slate"}
    assert "squidfunk.github.io" not in home.html  # no "Made with" footer link


def test_catalog_cards_filters_and_request(site: Site) -> None:
    p = page(site.out, urls.CATALOG)
    cards = p.find("article", data_lmsctl_card=None)
    listed = sorted(c.id for c in site.model.courses if c.status == "published")
    assert sorted(c.attrs["data-lmsctl-course"] for c in cards) == listed
    by_id = {c.attrs["data-lmsctl-course"]: c for c in cards}
    course = site.model.course("handling-pricing-objections")
    assert course is not None
    card = by_id[course.id]
    assert card.attrs["data-lmsctl-skills"] == "negotiation"
    assert card.attrs["data-lmsctl-level"] == course.level
    assert card.attrs["data-lmsctl-audience"] == " ".join(course.audience)
    assert card.attrs["data-lmsctl-duration"] == str(course.duration)
    assert card.attrs["data-lmsctl-pass-mark"] == str(course.pass_mark)
    assert len(card.attrs["data-lmsctl-questions"].split()) == len(course.questions)
    assert course.title in card.text and course.summary in card.text
    for owner in course.owners:
        assert owner in card.text
    filters = {e.attrs["data-lmsctl-filter"]: e for e in p.find("select")}
    assert set(filters) == {"skill", "level", "role", "duration", "progress"}
    options = [e.attrs["value"] for e in p.inside(filters["skill"]) if e.tag == "option"]
    used = sorted({s for c in site.model.courses for s in c.skills})
    assert sorted(o for o in options if o) == used
    request = p.find("a", data_lmsctl_request=None)
    assert request and request[0].attrs["href"].startswith(
        "https://github.com/acme/lmsctl/issues/new?template=request-course.yml")


def test_course_page(site: Site) -> None:
    course = site.model.course("handling-pricing-objections")
    assert course is not None
    p = page(site.out, urls.course_url(course.id))
    text = re.sub(r"\s+", " ", "".join(e.text for e in p.find("article")))
    assert course.summary in text
    for objective in course.objectives:
        assert objective in text
    assert f"{course.pass_mark}%" in text
    for owner in course.owners:
        assert owner in text
    prereq = [a for a in p.find("a") if a.attrs.get("href") == "../sales-basics/"]
    assert prereq and prereq[0].text == "Sales basics"
    lessons = p.find("li", **{"class": "lmsctl-lesson"})
    assert [li.attrs["data-lmsctl-lesson"] for li in lessons] == [x.id for x in course.lessons]
    start = p.find("a", data_lmsctl_start=None)
    assert start[0].attrs["href"] == f"{course.lessons[0].id}/"
    # The course's own navigation replaces the site navigation on its pages too.
    assert p.find("nav", aria_label=f"Lessons of {course.title}")


def test_path_page_keeps_order_and_marks_optional(site: Site) -> None:
    path = site.model.path("sales-onboarding")
    assert path is not None
    p = page(site.out, urls.path_url(path.id))
    steps = p.find("li", **{"class": "lmsctl-step"})
    assert [s.attrs["data-lmsctl-course"] for s in steps] == [m.id for m in path.courses]
    assert [s.attrs["data-lmsctl-optional"] == "true" for s in steps] == [
        m.optional for m in path.courses]
    optional_ids = {m.id for m in path.courses if m.optional}
    for s in steps:
        assert ("Optional" in s.text) == (s.attrs["data-lmsctl-course"] in optional_ids)
    bars = p.find("div", role="progressbar")
    required = [m for m in path.courses if not m.optional]
    assert bars and bars[0].attrs["aria-valuemax"] == str(len(required))
    container = p.find("div", data_lmsctl_path=path.id)[0]
    assert container.attrs["data-lmsctl-courses"].split() == [m.id for m in required]


def test_skills_page_shows_courses_and_gaps(site: Site) -> None:
    p = page(site.out, urls.SKILLS)
    sections = {s.attrs["data-lmsctl-skill"]: s for s in p.find("section")
                if "data-lmsctl-skill" in s.attrs}
    assert set(sections) == {s.id for s in site.model.config.skills}
    for skill in site.model.config.skills:
        teaching = [c for c in site.model.courses if skill.id in c.skills]
        section = sections[skill.id]
        assert (section.attrs.get("data-lmsctl-gap") == "true") == (not teaching)
        for course in teaching:
            assert course.title in section.text
    assert any("data-lmsctl-gap" in s.attrs for s in sections.values())


def test_lesson_feedback_links_and_helpful_control(site: Site) -> None:
    course = site.model.course("sales-basics")
    assert course is not None
    lesson = course.lessons[0]
    p = page(site.out, urls.lesson_url(course.id, lesson.id))
    links = {a.attrs["data-lmsctl-feedback-link"]: a for a in p.find("a")
             if "data-lmsctl-feedback-link" in a.attrs}
    assert set(links) == {"outdated", "edit", "question"}
    assert links["outdated"].text == "Flag as outdated"
    assert "template=outdated.yml" in links["outdated"].attrs["href"]
    assert f"lesson={lesson.id}" in links["outdated"].attrs["href"]
    assert links["edit"].attrs["href"].endswith(f"/edit/main/{lesson.rel}")
    assert links["question"].text == "Ask a question"
    answers = [b.attrs["data-lmsctl-helpful-answer"] for b in p.find("button")
               if "data-lmsctl-helpful-answer" in b.attrs]
    assert answers == ["yes", "no"]
    assert "Was this lesson helpful?" in p.html


def test_search_index_covers_every_lesson_but_not_quiz_answers(site: Site) -> None:
    index = read_index(site.out)
    locations = index.locations()
    assert "" not in locations and urls.CATALOG not in locations  # listings, not content
    assert urls.SKILLS in locations
    for course in site.model.courses:
        assert urls.course_url(course.id) in locations
        for lesson in course.lessons:
            assert urls.lesson_url(course.id, lesson.id) in locations
    text = "".join(p.read_text(encoding="utf-8") for p in (site.out / "search").rglob("*.json"))
    explanation = site.model.courses[0].lessons[0].questions[0].choices[0].explanation
    assert explanation and explanation not in text
    assert "data-search-exclude" not in (
        site.out / urls.lesson_url(site.model.courses[0].id,
                                   site.model.courses[0].lessons[0].id) / "index.html"
    ).read_text(encoding="utf-8")


def test_search_results_name_their_course_and_keep_the_author_guide_apart(site: Site) -> None:
    learn, authors = read_index(site.out), read_index(site.out, "authors")
    for course in site.model.courses:
        lesson = course.lessons[0]
        docs = [d for d in learn.docs if d[0].startswith(urls.lesson_url(course.id, lesson.id))]
        assert docs and all(d[3] == course.title for d in docs)
        assert docs[0][1] == lesson.title
    assert not any(d[0].startswith("contributing/") for d in learn.docs)
    assert {"contributing/", "contributing/rules/"} <= authors.locations()
    assert authors.locations() <= {"contributing/", "contributing/rules/"}
    assert all(d[3] == "" for d in authors.docs)


def test_community_pages_and_feed(site: Site) -> None:
    import xml.etree.ElementTree as ET

    feed = ET.parse(site.out / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert "Contributors" in page(site.out, urls.CONTRIBUTORS).html
    whats_new = page(site.out, urls.WHATS_NEW)
    assert whats_new.find("a", href="../feed.xml")


def test_contributing_guide_and_rule_reference(site: Site) -> None:
    guide = page(site.out, urls.CONTRIBUTING)
    assert "Contributing" in guide.html
    rules = page(site.out, urls.RULES)
    ids = {e.attrs["id"] for e in rules.elements if e.attrs.get("id", "").startswith("lms")}
    assert {"lms101", "lms201"} <= ids
    # Links from the guide to repository files lead to the repository, not to missing pages.
    for link, target in internal_targets(site.out, urls.CONTRIBUTING, guide.html):
        assert target.is_file(), link


def test_generated_mkdocs_project(tmp_path: Path, site: Site) -> None:
    """compile writes a plain MkDocs project: safe YAML, top sections only in the nav, no
    third-party plugins, no fonts, no repository widget (it would call GitHub's API)."""
    from lmsctl.core.history import History
    from lmsctl.targets.site import compile as compiler

    selection = compiler.select(site.model, drafts=False)
    compiled = compiler.compile_site(site.model, selection, tmp_path / "work",
                                     compiler.Options(), History.unavailable("test"))
    config = yaml.safe_load(compiled.config_file.read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False
    assert config["plugins"] == []  # search is lmsctl's own (learner_search)
    assert config["extra"]["lmsctl"]["search"]["authors"] is True  # the guide is a scope
    assert Path(config["hooks"][0]).is_file()
    assert "repo_url" not in config
    assert config["use_directory_urls"] is True
    nav_files = [next(iter(item.values())) for item in config["nav"]]
    assert all(isinstance(f, str) and not f.startswith("courses/") for f in nav_files)
    assert len(nav_files) <= 8
    lesson_doc = compiled.docs_dir / "courses/sales-basics/lessons/01-discovery-questions.md"
    text = lesson_doc.read_text(encoding="utf-8")
    manifest = json.loads((compiled.folder / "lmsctl-manifest.json").read_text("utf-8"))
    assert "```quiz" not in text and f'class="lmsctl-slot">{manifest["nonce"]}-0<' in text


def test_build_prints_nothing_when_all_is_well(site: Site) -> None:
    assert site.printed == ""


def test_headings_of_lmsctl_pages_never_skip_a_level(site: Site) -> None:
    """Screen reader users move by headings: on the pages lmsctl writes, each heading is at
    most one level below the one before it (h1, then h2, ...)."""
    urls_ = ["", "catalog/", "skills/", "paths/"]
    urls_ += [urls.path_url(p.id) for p in site.model.paths]
    urls_ += [urls.course_url(c.id) for c in site.model.courses]
    skips = []
    for url in urls_:
        text = page(site.out, url).html
        content = text[text.index('<article class="md-content__inner'):text.index("</article>")]
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", content)]
        assert levels and levels[0] == 1, url
        skips += [(url, a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skips == []
