"""One message catalog for every learner-visible string lmsctl writes (issue 10, Templates).

- The catalog template ``lmsctl/targets/site/locale/lmsctl.pot`` is exactly what Babel extracts
  from the page templates and the site modules' ``_()``/``ngettext()`` calls.
- The sample site built with a pseudo-locale (every message wrapped in ``⟦…⟧``) has no text
  left untranslated in the parts of the pages lmsctl writes. What is checked, precisely: in every
  built page, the text and the ``aria-label``/``title``/``alt``/``placeholder`` attributes
  inside the elements lmsctl renders from its templates (``ROOTS``: home, catalog, skills,
  paths, path, course page, course navigation, lesson header and footer, quizzes,
  contributors, what's new, the feed link, the search button and dialog), the site navigation
  tabs and each page's
  ``<h1>``/``<title>`` for lmsctl's own pages, and the Atom feed's entry titles. Text outside
  ``⟦…⟧`` there must be author or repository data (titles, summaries, quiz text, names,
  commit subjects: ``author_texts``) or only digits, spaces and punctuation. Excluded: the
  lesson bodies and CONTRIBUTING.md (author Markdown) and Material's own theme strings
  ("Skip to content"), which the theme translates with its ``language``.
"""

from __future__ import annotations

import gettext
import html.parser
import io
import re
from pathlib import Path
from typing import Any

import pytest

from lmsctl.content.loader import load_repository
from lmsctl.targets.site import i18n
from tests.gitrepo import GitRepo
from tests.i18n_catalog import POT, extract, render
from tests.site_support import build, copy_sample

ROOTS = {"lmsctl-home", "lmsctl-catalog", "lmsctl-skills", "lmsctl-paths", "lmsctl-path",
         "lmsctl-course", "lmsctl-course-nav", "lmsctl-lesson-head", "lmsctl-lesson-foot",
         "lmsctl-quiz", "lmsctl-contributors", "lmsctl-whats-new", "lmsctl-feed", "md-tabs",
         "lmsctl-certificate", "lmsctl-search", "lmsctl-search__open"}
ATTRS = ("aria-label", "title", "alt", "placeholder")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
OPEN, CLOSE = i18n.PseudoTranslations.OPEN, i18n.PseudoTranslations.CLOSE
#: Text that needs no translation: digits, spaces and punctuation.
#: Material's own labels inside the navigation tabs (the theme translates them).
THEME = {"Tabs"}
NEUTRAL = re.compile(r"^[\s\d·,.:;/#()%–—\-|›★]*$")  # ★: a badge's decorative mark (aria-hidden)


def test_catalog_template_is_up_to_date() -> None:
    expected = render(extract())
    assert POT.is_file(), "the catalog is missing: run `python -m tests.i18n_catalog`"
    assert POT.read_text(encoding="utf-8") == expected, (
        "lmsctl/targets/site/locale/lmsctl.pot is out of date with the templates and _() "
        "calls: run `python -m tests.i18n_catalog` and commit the result")


def test_catalog_holds_the_messages_of_templates_and_python() -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    # one from a template, one from pages.py, one plural, one from feedback.py, a month
    for message in ("Was this lesson helpful?", "Under 30 minutes", "%(num)d lesson",
                    "Outdated: %(course)s", "March", "Check", "Finish"):
        assert message in ids


class _Collector(html.parser.HTMLParser):
    """Text chunks (and label attributes) inside the ROOTS elements, one list per root."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, opens a root)
        self.depth = 0  # roots open
        self.skip = 0  # inside <script>/<style>
        self.roots: list[list[str]] = []
        self.heads: list[str] = []  # <h1> and <title> text
        self._head: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        is_root = bool(classes & ROOTS) and self.depth == 0
        if is_root:
            self.roots.append([])
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("h1", "title") and self._head is None:
            self._head = []
        if self.depth or is_root:
            for name, value in attrs:
                if name in ATTRS and value:
                    self.roots[-1].append(value)
            self.roots[-1].append("\x00")  # element boundary
        if tag not in VOID:
            self.stack.append((tag, is_root))
            self.depth += is_root

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag in ("h1", "title") and self._head is not None:
            self.heads.append("".join(self._head))
            self._head = None
        while self.stack:
            name, was_root = self.stack.pop()
            self.depth -= was_root
            if name == tag:
                break
        if self.depth:
            self.roots[-1].append("\x00")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self._head is not None:
            self._head.append(data)
        if self.depth:
            self.roots[-1].append(data)


def untranslated(chunks: list[str]) -> list[str]:
    """The pieces of text outside ⟦…⟧ (a translated message may span elements and hold
    others, e.g. a date inside a sentence)."""
    level = 0
    out: list[str] = []
    current: list[str] = []
    for ch in "".join(chunks):
        if ch == OPEN:
            level += 1
        elif ch == CLOSE:
            level = max(0, level - 1)
        elif level == 0:
            if ch == "\x00":
                out.append("".join(current))
                current = []
            else:
                current.append(ch)
    out.append("".join(current))
    return [t.strip() for t in out if t.strip()]


def author_texts(repo_dir: Path) -> set[str]:
    """Everything the repository's authors wrote that pages show as it is."""
    repo, _ = load_repository(repo_dir)
    config = repo.config
    found = {config.site_title, config.site_description}
    for skill in config.skills:
        found |= {skill.id, skill.title, skill.description or ""}
    for course in repo.courses:
        found |= {course.title, course.summary, *course.objectives, *course.owners,
                  ", ".join(course.owners), ", ".join(a.capitalize() for a in course.audience),
                  *(a.capitalize() for a in course.audience)}
        for lesson in course.lessons:
            found |= {lesson.title, lesson.description or ""}
            for q in lesson.questions:
                found |= {q.question, *(c.text for c in q.choices),
                          *(c.explanation for c in q.choices)}
    for path in repo.paths:
        found |= {path.title, path.summary or "", ", ".join(path.owners)}
    return {t.strip() for t in found if t and t.strip()}


PEOPLE = {"Ann Author": "ann@example.org", "Rev Reviewer": "rev@example.org"}


@pytest.fixture(scope="module")
def pseudo_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("pseudo")
    repo_dir = copy_sample(base / "repo")
    git = GitRepo.init(repo_dir)
    git.commit("Add the sample courses", date="2025-01-10", author=("Ann Author",
                                                                     PEOPLE["Ann Author"]))
    git.append("courses/sales-basics/lessons/01-discovery-questions.md", "\nOne more line.\n")
    git.commit("Clarify discovery questions", date="2025-02-01",
               author=("Ann Author", PEOPLE["Ann Author"]),
               trailers=[("Reviewed-by", f"Rev Reviewer <{PEOPLE['Rev Reviewer']}>")])
    build(repo_dir, base / "site", translations=i18n.PseudoTranslations())
    return repo_dir, base / "site"


def test_pseudo_locale_leaves_no_learner_visible_text_untranslated(
        pseudo_site: tuple[Path, Path]) -> None:
    repo_dir, site = pseudo_site
    allowed = author_texts(repo_dir) | set(PEOPLE) | {
        "Add the sample courses", "Clarify discovery questions"}
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 30
    problems: list[str] = []
    checked = 0
    for path in pages:
        rel = path.relative_to(site).as_posix()
        collector = _Collector()
        collector.feed(path.read_text(encoding="utf-8"))
        for chunks in collector.roots:
            for text in untranslated(chunks):
                checked += 1
                if NEUTRAL.match(text) or text in allowed | THEME or all(
                        part.strip() in allowed for part in text.split(",")):
                    continue
                problems.append(f"{rel}: {text!r}")
    assert checked > 200, "the check saw too little text to mean anything"
    assert not problems, "text that did not go through the catalog:\n" + "\n".join(problems)


def test_pseudo_locale_reaches_titles_navigation_and_feed(
        pseudo_site: tuple[Path, Path]) -> None:
    _repo, site = pseudo_site
    for url, title in (("catalog/", "Catalog"), ("skills/", "Skills"),
                       ("paths/", "Learning paths"), ("contributors/", "Contributors"),
                       ("whats-new/", "What's new")):
        collector = _Collector()
        collector.feed((site / url / "index.html").read_text(encoding="utf-8"))
        assert any(h.strip().startswith(f"{OPEN}{title}{CLOSE}") for h in collector.heads), url
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"{OPEN}Catalog{CLOSE}" in home  # the navigation tabs
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    titles = re.findall(r"<entry>\s*<id>[^<]*</id>\s*<title>([^<]*)</title>", feed)
    assert titles and all(t.startswith(OPEN) for t in titles)
    lesson = (site / "courses/sales-basics/discovery-questions/index.html").read_text(
        encoding="utf-8")
    assert f"{OPEN}Check{CLOSE}" in lesson and f"{OPEN}Choose one answer.{CLOSE}" in lesson


def test_english_is_the_source_language() -> None:
    assert i18n.gettext("Check") == "Check"
    assert i18n.ngettext("%(num)d lesson", "%(num)d lessons", 1) == "1 lesson"
    assert i18n.ngettext("%(num)d lesson", "%(num)d lessons", 3) == "3 lessons"
    with i18n.translations(i18n.PseudoTranslations()):
        assert i18n.gettext("Check") == "⟦Check⟧"
        assert i18n.minutes(90) == "⟦1 h 30 min⟧"
    assert i18n.minutes(90) == "1 h 30 min" and i18n.minutes(45) == "45 min"
    assert i18n.minutes(120) == "2 h"


def test_a_real_catalog_translates_the_pages(tmp_path: Path) -> None:
    """A compiled .mo catalog (what a translator would ship) changes the rendered text."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="de")
    catalog.add("Check", "Prüfen")
    catalog.add(("%(num)d lesson", "%(num)d lessons"), ("%(num)d Lektion", "%(num)d Lektionen"))
    mo = tmp_path / "lmsctl.mo"
    with mo.open("wb") as f:
        write_mo(f, catalog)
    with mo.open("rb") as f:
        german = gettext.GNUTranslations(f)
    with i18n.translations(german):
        assert i18n.render("feed_link.html.j2", base="../", feed="feed.xml").count("Atom") == 1
        assert i18n.ngettext("%(num)d lesson", "%(num)d lessons", 2) == "2 Lektionen"
        assert i18n.gettext("Check") == "Prüfen"


def test_templates_escape_author_text_and_drop_layout() -> None:
    env = i18n.environment()
    out = env.from_string('<p>\n    {{ x }}\n    <b>{{ _("Check") }}</b>\n</p>',
                          ).render(x='<script>"')
    # Compact applies to .html.j2 files; from_string has no name, so layout is kept here
    assert "&lt;script&gt;&#34;" in out
    compact = i18n.Compact(env).preprocess("<p>\n    <b>x</b> y\n</p>\n", "a.html.j2")
    assert compact == "<p><b>x</b> y</p>"
    assert i18n.Compact(env).preprocess("<a>\n  <b/>\n", "feed.xml.j2") == "<a>\n  <b/>\n"


def test_package_data_globs_match_real_files() -> None:
    """Every package-data glob of pyproject.toml matches files, and every template, catalog
    and theme file of the site is shipped by one of them."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["lmsctl"]
    package = root / "lmsctl"
    shipped: set[Path] = set()
    for pattern in globs:
        found = {p for p in package.glob(pattern) if p.is_file()}
        assert found, f"package-data glob {pattern!r} matches no file"
        shipped |= found
    site = package / "targets" / "site"
    needed = [*site.glob("templates/*.j2"), *site.glob("locale/*.pot"),
              *(p for p in (site / "theme").rglob("*") if p.is_file())]
    assert needed and not [p for p in needed if p not in shipped]


# -- The runtime's texts and the learning-records notice --------------------------------------

def test_runtime_messages_are_the_marked_messages_of_messages_js() -> None:
    """bundle/messages.json (what the build translates) holds exactly the messages the catalog
    extracts from lmsctl/runtime/messages.js: a text without its mark fails here."""
    from babel.messages.extract import extract_from_file

    from lmsctl.targets.site import runtime_messages
    from tests.i18n_catalog import KEYWORDS, RUNTIME_MESSAGES

    marked = {m for _, m, _, _ in extract_from_file("javascript", RUNTIME_MESSAGES,
                                                     keywords=KEYWORDS)}
    ids = runtime_messages.msgids()
    assert len(ids) > 20 and set(ids) == marked
    pot = {m.id for m in extract()}
    assert all(m in pot for m in ids)
    assert not re.findall(r':\s*"[A-Za-z (]', RUNTIME_MESSAGES.read_text(encoding="utf-8")), (
        "a text in messages.js without its _() mark")


def test_runtime_messages_in_the_page_configuration() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from lmsctl.targets.site import analytics_config, runtime_messages

    # English: nothing added, the pages stay as they were
    assert runtime_messages.page_messages() == {}
    with i18n.translations(i18n.PseudoTranslations()):
        pseudo = runtime_messages.page_messages()
        facts = analytics_config.manifest_facts([], [], "en")
    assert "pluralForms" not in pseudo  # the pseudo-locale has English's plural rule
    assert pseudo["messages"]["Correct!"] == f"{OPEN}Correct!{CLOSE}"
    assert pseudo["messages"]["%(num)d course"] == [f"{OPEN}%(num)d course{CLOSE}",
                                                     f"{OPEN}%(num)d courses{CLOSE}"]
    assert len(pseudo["messages"]) == len(runtime_messages.msgids())
    config = analytics_config.page_config({"kind": "page"}, "catalog/", facts, None)
    assert config["messages"] == pseudo["messages"] and config["scope"] == "../"

    # a real catalog with three plural forms (Polish) and one message translated
    catalog = Catalog(locale="pl")
    catalog.add("Correct!", "Dobrze!")
    catalog.add(("%(num)d course", "%(num)d courses"),
                ("%(num)d kurs", "%(num)d kursy", "%(num)d kursów"))
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    polish = gettext.GNUTranslations(mo)
    found = runtime_messages.page_messages(polish)
    assert found["messages"] == {"Correct!": "Dobrze!",
                                 "%(num)d course": ["%(num)d kurs", "%(num)d kursy",
                                                    "%(num)d kursów"]}
    rule = found["pluralForms"]
    assert len(rule) == 200 and [rule[n] for n in (1, 2, 5, 22, 112)] == [0, 1, 2, 1, 2]


def test_learning_records_notice_goes_through_the_catalog(tmp_path: Path) -> None:
    from lmsctl.targets.site import analytics_config

    repo_dir = copy_sample(tmp_path / "repo", contributing=False)
    with (repo_dir / "lmsctl.yml").open("a", encoding="utf-8") as f:
        f.write("analytics:\n  xapi:\n    endpoint: https://lrs.example.test/xAPI/\n"
                "    auth: \"Basic dGVzdDp0ZXN0\"\n")
    repo, _ = load_repository(repo_dir)
    english = analytics_config.records_notice(repo.config)
    assert english.startswith('<p class="lmsctl-records" data-lmsctl-records>Learning records')
    assert "lrs.example.test" in english and "data-lmsctl-optout>Stop sending mine<" in english
    with i18n.translations(i18n.PseudoTranslations()):
        pseudo = analytics_config.records_notice(repo.config)
    collector = _Collector()
    collector.feed(f'<div class="lmsctl-home">{pseudo}</div>')
    assert collector.roots and untranslated(collector.roots[0]) == []


def test_pseudo_locale_reaches_the_runtime_texts_in_chromium(
        pseudo_site: tuple[Path, Path]) -> None:
    """The runtime's texts (quiz feedback, explanations' verdicts, progress, the course's
    button, the catalog count, the lesson marks, "Was this helpful?"'s thanks) on pages of the
    pseudo-locale site, driven in real Chromium: every one is pseudo-translated."""
    from tests.browser_support import Watch, browser, open_page, static_server

    _repo, site = pseudo_site
    slots = ("[data-lmsctl-feedback]", ".lmsctl-explanation__verdict", "[data-lmsctl-progress]",
             "[data-lmsctl-start]", "[data-lmsctl-mark-text]", "[data-lmsctl-count]",
             "[data-lmsctl-path-summary]", "[data-lmsctl-helpful-thanks]")
    read = """(selectors) => selectors.flatMap((s) => Array.from(document.querySelectorAll(s))
        .map((el) => [s, Array.from(el.childNodes).filter((n) => !(n.dataset
            && n.dataset.lmsctlSpoken !== undefined)).map((n) => n.textContent).join("")]))"""
    seen: dict[str, list[str]] = {}

    def collect(page: Any) -> None:
        for selector, value in page.evaluate(read, list(slots)):
            if value.strip():
                seen.setdefault(selector, []).append(value.strip())

    watch = Watch()
    with browser() as chromium, static_server(site) as url:
        page = open_page(chromium, watch)
        try:
            page.goto(f"{url}/courses/sales-basics/discovery-questions/")
            fs = page.locator("[data-lmsctl-question]").first
            feedback = fs.locator("[data-lmsctl-feedback]")
            fs.locator("[data-lmsctl-check]").click()  # nothing chosen
            collect(page)
            correct = {int(i) for i in (fs.get_attribute("data-lmsctl-correct") or "").split()}
            inputs = fs.locator("input")
            wrong = next(i for i in range(inputs.count()) if i not in correct)
            fs.locator(f'input[value="{wrong}"]').check()
            fs.locator("[data-lmsctl-check]").click()
            feedback.filter(has_text="Not quite").wait_for()
            collect(page)
            for i in range(inputs.count()):
                box = fs.locator(f'input[value="{i}"]')
                if (i in correct) != box.is_checked():
                    box.click()
            fs.locator("[data-lmsctl-check]").click()
            feedback.filter(has_text="Correct!").wait_for()
            collect(page)
            page.locator('[data-lmsctl-helpful-answer="no"]').click()
            collect(page)
            for url_path in ("courses/sales-basics/", "catalog/", "paths/"):
                page.goto(f"{url}/{url_path}")
                page.wait_for_load_state("load")
                collect(page)
        finally:
            page.context.close()
    watch.assert_clean()
    for must in ("[data-lmsctl-feedback]", ".lmsctl-explanation__verdict",
                 "[data-lmsctl-progress]", "[data-lmsctl-count]", "[data-lmsctl-start]",
                 "[data-lmsctl-helpful-thanks]"):
        assert must in seen, f"the runtime set no text in {must}: {seen}"
    texts = [t for values in seen.values() for t in values]
    assert any("Correct!" in t for t in texts) and any("Not quite" in t for t in texts)
    problems = [t for t in texts if untranslated([t])
                and not all(NEUTRAL.match(x) for x in untranslated([t]))]
    assert not problems, "runtime text that did not go through the catalog:\n" + "\n".join(
        problems)
