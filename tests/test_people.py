"""People, not handles (issue 15): owners and contributors show the person's name (the git
author name through .mailmap, or lmsctl.yml's ``people:`` map, which wins) with the handle as
a link; milestone badges on /contributors/ with thresholds from ``recognition:``."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from lmsctl.content.loader import load_repository
from lmsctl.core.history import read_history
from lmsctl.targets.site.community_pages import contributors_page
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON, minimal_files
from tests.gitrepo import ANN, BOB, GitRepo
from tests.site_support import build, page

JDOE_OLD = ("jd", "12345+jdoe@users.noreply.github.com")
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


def _repo(tmp_path: Path, config_extra: str = "") -> GitRepo:
    files = minimal_files()
    files["lmsctl.yml"] = str(files["lmsctl.yml"]) + config_extra
    files[".mailmap"] = "Jane Doe <12345+jdoe@users.noreply.github.com>\n"
    r = GitRepo.init(tmp_path / "repo", files)
    r.commit("Add sales basics", date="2024-01-10", author=JDOE_OLD)
    r.append(LESSON, "\nA clearer example.\n")
    r.commit("Clearer", date="2024-02-01", author=ANN)
    return r


def _owners(html: str) -> str:
    start = html.index("<dt>Owners</dt>")
    return html[start:html.index("</dd>", start)]


def test_owners_and_contributors_show_the_git_name_through_mailmap(tmp_path: Path) -> None:
    r = _repo(tmp_path)
    build(r.root, tmp_path / "site")
    html = page(tmp_path / "site", "courses/sales-basics/").html
    owners = _owners(html)
    # the name from the history (.mailmap), the handle as a link to the profile
    assert "Jane Doe" in owners and '<a class="lmsctl-handle" href="https://github.com/jdoe">' \
        '@jdoe</a>' in owners
    assert ">jd<" not in html  # the unmapped author name is never shown
    contributors = page(tmp_path / "site", "contributors/").html
    # (the page is sanitized as untrusted HTML: lmsctl-* classes are removed there)
    assert re.search(r'Jane Doe <a (class="lmsctl-handle" )?href="https://github.com/jdoe">@jdoe</a>',
                     contributors)


def test_people_map_wins_and_teams_link_to_their_page(tmp_path: Path) -> None:
    r = _repo(tmp_path, 'people:\n  "@jdoe": Janet Doe-Smith\n  acme/sales: Sales team\n')
    r.write({"courses/sales-basics/course.yml":
             MINIMAL_COURSE.replace('owners: ["@jdoe"]', 'owners: ["@jdoe", "@acme/sales"]')})
    r.commit("Owners", date="2024-02-02", author=ANN)
    build(r.root, tmp_path / "site")
    html = page(tmp_path / "site", "courses/sales-basics/").html
    owners = _owners(html)
    assert "Janet Doe-Smith" in owners and "Jane Doe" not in owners
    assert 'Sales team <a class="lmsctl-handle" href="https://github.com/orgs/acme/teams/sales">' \
        "@acme/sales</a>" in owners
    # course cards name the owners without links (one link per card)
    catalog = page(tmp_path / "site", "catalog/").html
    assert "By Janet Doe-Smith, Sales team" in catalog
    contributors = page(tmp_path / "site", "contributors/").html
    assert "Janet Doe-Smith" in contributors and "Jane Doe<" not in contributors


def test_people_and_recognition_are_validated(tmp_path: Path) -> None:
    files = minimal_files()
    files["lmsctl.yml"] = str(files["lmsctl.yml"]) + (
        'people:\n  "not a handle!": Someone\n  jdoe: 42\nrecognition:\n  courses: 0\n'
        "  lesons: 3\n")
    GitRepo.init(tmp_path / "repo", files)
    _model, problems = load_repository(tmp_path / "repo")
    text = "\n".join(f"{d.path}:{d.line}: {d.message}" for d in problems)
    assert text.count("lmsctl.yml:") >= 4, text
    for line in ("not a handle!", "42", "courses", "lesons"):
        assert line in text, (line, text)


def test_milestone_badges_follow_the_configured_thresholds(tmp_path: Path) -> None:
    files = minimal_files()
    files["lmsctl.yml"] = str(files["lmsctl.yml"]) + (
        "recognition:\n  courses: 2\n  lessons: 2\n  reviews: 2\n")
    r = GitRepo.init(tmp_path / "repo", files)
    r.commit("Add sales basics", date="2024-01-10", author=ANN)
    r.write({"courses/pricing/course.yml": MINIMAL_COURSE.replace("Sales basics", "Pricing"),
             "courses/pricing/lessons/01-value.md": MINIMAL_LESSON,
             "courses/pricing/lessons/02-anchor.md": MINIMAL_LESSON})
    r.commit("Add pricing", date="2024-02-01", author=ANN)
    for day, rel in (("2024-03-01", "courses/pricing/lessons/01-value.md"),
                     ("2024-03-02", "courses/pricing/lessons/02-anchor.md")):
        r.append(rel, "\nBetter.\n")
        r.commit("Improve", date=day, author=BOB,
                 trailers=[("Reviewed-by", "Ann Author <ann@example.org>")])
    model, _ = load_repository(r.root)
    html = contributors_page(model, read_history(model), dt.date(2024, 6, 30))
    root = ET.fromstring(html)
    table = root.findall("table")[-1]  # all time
    badges: dict[str, list[str]] = {}
    for tr in table.iter("tr"):
        cells = tr.findall("td")
        if not cells:
            continue
        person = "".join(cells[1].find("span").itertext())  # type: ignore[union-attr]
        badges[person] = ["".join(li.itertext()).strip()
                          for li in cells[1].iter("li")]
    assert badges == {
        # two courses published, two reviews given (Reviewed-by: trailers)
        "Ann Author": ["★ First course published", "★ 2 courses published", "★ 2 reviews given"],
        "Bob Builder": ["★ 2 lessons improved"],
    }
    # text, not colour only: the star is decoration, the words carry the meaning
    assert 'aria-hidden="true">★' in html


def test_featured_paths_must_name_paths(tmp_path: Path) -> None:
    files = minimal_files()
    files["lmsctl.yml"] = str(files["lmsctl.yml"]) + "featured_paths: [sales-onbording]\n"
    files["paths/sales-onboarding.yml"] = (
        "title: Sales onboarding\nsummary: Your first month in sales, step by step.\n"
        'owners: ["@jdoe"]\ncourses: [sales-basics]\n')
    GitRepo.init(tmp_path / "repo", files)
    from lmsctl.checks.references import check_references

    model, _ = load_repository(tmp_path / "repo")
    found = [d for d in check_references(model) if d.rule == "LMS222"]
    assert len(found) == 1 and found[0].path == "lmsctl.yml"
    assert found[0].line == str(files["lmsctl.yml"]).count("\n")
    assert "sales-onboarding" in found[0].hint


def test_the_feed_names_people_as_the_pages_do(tmp_path: Path) -> None:
    """The Atom feed's authors, "By ..." and "Reviewed by ..." use the people: map, like
    /whats-new/; the display name is escaped once (it parses back as written)."""
    shown = "Janet Doe-Smith & Co"
    r = _repo(tmp_path, f'people:\n  "@jdoe": {shown}\n  "@rev": Reviewer Rae\n')
    r.append(LESSON, "\nReviewed wording.\n")
    r.commit("Reword", date="2024-02-03", author=JDOE_OLD,
             trailers=[("Reviewed-by", "rv <777+rev@users.noreply.github.com>")])
    build(r.root, tmp_path / "site")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(tmp_path / "site" / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    authors = {a.text for e in entries for a in e.findall("a:author/a:name", ns)}
    assert shown in authors and "Jane Doe" not in authors and "jd" not in authors
    contents = " ".join(e.findtext("a:content", "", ns) for e in entries)
    summaries = " ".join(e.findtext("a:summary", "", ns) for e in entries)
    assert "Reviewed by Reviewer Rae" in summaries and "rv" not in summaries.split()
    assert "Reviewed by Reviewer Rae" in contents
    assert "By Janet Doe-Smith &amp; Co" in contents  # HTML inside the XML: escaped once
    html = page(tmp_path / "site", "whats-new/").html
    assert "Reviewer Rae" in html
