"""Contributors, what's new and the Atom feed, from real git histories."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lmsctl.content.community import updates
from lmsctl.content.loader import load_repository
from lmsctl.core.history import History, read_history
from lmsctl.core.model import Repository
from lmsctl.targets.site.community_pages import atom_feed, contributors_page, whats_new_page
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON, minimal_files
from tests.gitrepo import ANN, BOB, BOT, CAT, GitRepo

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date(2024, 6, 30)
NOW = dt.datetime(2024, 6, 30, 12, 0, tzinfo=dt.UTC)
EVIL: tuple[str, str] = ('Eve "Evil" & Co', "eve@example.org")
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo.init(tmp_path / "repo", minimal_files())
    r.commit("Add sales basics", date="2024-01-10", author=ANN)
    r.write({"courses/pricing/course.yml": MINIMAL_COURSE.replace("Sales basics",
                                                                  "Pricing & <value>"),
             "courses/pricing/lessons/01-value.md": MINIMAL_LESSON,
             "courses/pricing/lessons/02-anchor.md": MINIMAL_LESSON,
             "courses/secret/course.yml": MINIMAL_COURSE.replace("Sales basics", "Draft")
             + "status: draft\n",
             "courses/secret/lessons/01-a.md": MINIMAL_LESSON})
    r.commit("Add pricing", date="2024-02-01", author=BOB, coauthors=[CAT])
    r.append(LESSON, "\nBetter example.\n")
    r.commit("Sharpen the discovery example", date="2024-05-01T09:00:00+02:00", author=CAT)
    r.append("courses/pricing/lessons/02-anchor.md", "\nx\n")
    r.commit('Fix "anchor" <script>alert(1)</script> & more \x0b',
             date="2024-05-01T10:00:00+02:00", author=EVIL)
    r.append("courses/pricing/lessons/01-value.md", "\nbot\n")
    r.commit("Bump", date="2024-06-01", author=BOT)
    r.append("courses/sales-basics/course.yml", "reviewed: 2024-06-20\n")
    r.commit("Review sales-basics", date="2024-06-20", author=BOB)
    r.append("courses/secret/lessons/01-a.md", "\nsecret edit\n")
    r.commit("Draft edit", date="2024-06-25", author=ANN)
    return r


def load(root: Path) -> tuple[Repository, History]:
    model, _ = load_repository(root)
    return model, read_history(model)


def parse(fragment: str) -> ET.Element:
    """The fragments are well-formed markup: parse them as XML to inspect them."""
    return ET.fromstring(fragment)


def _text(td: ET.Element) -> str:
    """A cell's text without its milestone badges (test_milestone_badges checks them)."""
    for ul in td.findall("ul"):
        td.remove(ul)
    return "".join(td.itertext())


def rows(table: ET.Element) -> list[list[str]]:
    return [[_text(td) for td in tr.findall("td")]
            for tr in table.iter("tr") if tr.findall("td")]


def test_contributors_ranked_all_time_and_recent(repo: GitRepo) -> None:
    model, history = load(repo.root)
    page = contributors_page(model, history, TODAY)
    root = parse(page)
    recent, all_time = root.findall("table")
    # person, courses authored, lessons improved, reviews, courses
    # ranked by courses authored, then lessons improved, then reviews
    assert [r[1:5] for r in rows(all_time)] == [
        ["Cat Coder", "1", "1", "0"],  # co-authored pricing, improved a lesson
        ["Bob Builder", "1", "0", "1"],
        ["Ann Author", "1", "0", "0"],
        [EVIL[0], "0", "1", "0"],
    ]
    assert [r[1:5] for r in rows(recent)] == [  # since 2024-04-01
        ["Cat Coder", "0", "1", "0"],
        [EVIL[0], "0", "1", "0"],
        ["Bob Builder", "0", "0", "1"],
    ]
    courses = {r[1]: set(r[5].split(", ")) for r in rows(all_time)}
    assert courses["Bob Builder"] == {"Sales basics", "Pricing & <value>"}  # wrote, reviewed
    assert courses["Ann Author"] == {"Sales basics"}  # her draft edit is not shown


def test_contributors_page_links_escapes_and_hides_emails(repo: GitRepo) -> None:
    model, history = load(repo.root)
    page = contributors_page(model, history, TODAY)
    assert 'Eve &#34;Evil&#34; &amp; Co' in page and "Pricing &amp; &lt;value&gt;" in page
    assert "@example.org" not in page  # no e-mail addresses on the public site
    assert "Draft" not in page and "secret" not in page
    hrefs = {a.get("href") for a in parse(page).iter("a")}
    assert hrefs == {"../courses/sales-basics/", "../courses/pricing/"}
    with_drafts = contributors_page(model, history, TODAY, include_drafts=True)
    assert "../courses/secret/" in with_drafts


def test_bots_never_appear(repo: GitRepo) -> None:
    model, history = load(repo.root)
    for page in (contributors_page(model, history, TODAY), whats_new_page(model, history, "/"),
                 atom_feed(model, history, "https://example.org/learn/", NOW)):
        assert "dependabot" not in page and "Bump" not in page


def test_github_noreply_addresses_link_to_the_profile(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Add", date="2024-01-01", author=("Jo Doe", "123+jdoe@users.noreply.github.com"))
    model, history = load(r.root)
    links = [a.get("href") for a in parse(contributors_page(model, history, TODAY)).iter("a")]
    assert "https://github.com/jdoe" in links


def test_whats_new_says_what_changed_in_learners_words(repo: GitRepo) -> None:
    """Each entry names the lessons added or updated (or the course description), never a
    commit message: no merge or bot subjects, no markup from a subject."""
    model, history = load(repo.root)
    page = whats_new_page(model, history, "/learn/")
    assert "<script>" not in page and "alert(1)" not in page and "Fix " not in page
    root = parse(page)
    items = root.findall("ol/li")
    got = [(li.get("data-lmsctl-course"), li.find("time").get("datetime"),  # type: ignore
            li.find("span").text, ["".join(x.itertext()) for x in li.findall("ul/li")])  # type: ignore
           for li in items]
    assert got == [
        # a review edit (lmsctl review) is news too, in learner's words
        ("sales-basics", "2024-06-20", "Reviewed", ["Reviewed by Bob Builder"]),
        ("pricing", "2024-05-01", "Updated", ["Updated lesson: Discovery questions"]),
        ("sales-basics", "2024-05-01", "Updated", ["Updated lesson: Discovery questions"]),
        ("pricing", "2024-02-01", "New", []),
        ("sales-basics", "2024-01-10", "New", []),
    ]
    assert items[1].find("a").get("href") == "/learn/courses/pricing/"  # type: ignore
    assert "Review sales-basics" not in whats_new_page(model, history, "/")
    assert "Bump" not in page and "dependabot" not in page


def test_whats_new_tells_new_lessons_and_course_details_apart(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Add", date="2024-01-01", author=ANN)
    r.write({"courses/sales-basics/lessons/02-closing.md":
             MINIMAL_LESSON.replace("Discovery questions", "Closing the call")})
    r.append("courses/sales-basics/course.yml", "# note\n")
    r.commit("Merge pull request #7 from ann/closing", date="2024-02-01", author=ANN)
    r.append(LESSON, "\nfix\n")
    r.commit("Merge branch 'main' into x", date="2024-03-01", author=BOB)
    model, history = load(r.root)
    third, second, _first = updates(model, history)
    assert second.items == (("new-lesson", "Closing the call"), ("details", ""))
    assert third.items == (("updated-lesson", "Discovery questions"),)
    page = whats_new_page(model, history, "../")
    assert "New lesson: Closing the call" in page and "Course description updated" in page
    assert "Merge" not in page


def test_updates_group_one_course_and_day(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Add", date="2024-01-01T09:00:00+00:00", author=ANN)
    for i, who in enumerate((BOB, CAT)):
        r.append(LESSON, f"\n{i}\n")
        r.commit(f"Edit {i}", date=f"2024-03-01T1{i}:00:00+00:00", author=who)
    model, history = load(r.root)
    first, second = updates(model, history)
    assert first.subjects == ("Edit 1", "Edit 0") and not first.new
    assert [p.name for p in first.people] == ["Cat Coder", "Bob Builder"]
    assert second.new


def test_feed_is_valid_atom(repo: GitRepo) -> None:
    model, history = load(repo.root)
    text = atom_feed(model, history, "https://example.org/learn/", NOW)
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}") is not None
    # the newest entry: the review edit of 2024-06-20 (git's default time of day in GitRepo)
    assert feed.findtext(f"{ATOM}updated", "").startswith("2024-06-20T")
    links = {x.get("rel"): x.get("href") for x in feed.findall(f"{ATOM}link")}
    assert links == {"self": "https://example.org/learn/feed.xml",
                     "alternate": "https://example.org/learn/whats-new/"}
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 5 and all(i and i.startswith("tag:example.org,") for i in ids)
    reviewed = entries[0]
    assert reviewed.findtext(f"{ATOM}title") == "Reviewed: Sales basics"
    assert reviewed.findtext(f"{ATOM}summary") == "Reviewed by Bob Builder"
    first = entries[1]
    assert first.findtext(f"{ATOM}title") == "Updated: Pricing & <value>"
    assert first.find(f"{ATOM}link").get("href") == (  # type: ignore[union-attr]
        "https://example.org/learn/courses/pricing/")
    assert first.findtext(f"{ATOM}summary") == "Updated lesson: Discovery questions"
    assert first.findtext(f"{ATOM}author/{ATOM}name") == EVIL[0]
    content = first.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    # the HTML content is escaped once more: it is markup as text, and no commit subject
    assert "<li>Updated lesson: Discovery questions</li>" in (content.text or "")
    assert "script" not in (content.text or "")
    for e in entries:
        dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "")  # RFC 3339


def test_feed_ids_are_stable_and_the_feed_reproducible(repo: GitRepo) -> None:
    model, history = load(repo.root)
    before = atom_feed(model, history, "https://example.org/learn/", NOW)
    later = NOW + dt.timedelta(days=3)
    assert atom_feed(model, history, "https://example.org/learn/", later) == before
    repo.append(LESSON, "\nnew day\n")
    repo.commit("Another change", date="2024-06-29", author=CAT)
    model, history = load(repo.root)
    after = ET.fromstring(atom_feed(model, history, "https://example.org/learn/", later))
    old_ids = [e.findtext(f"{ATOM}id") for e in ET.fromstring(before).findall(f"{ATOM}entry")]
    new_ids = [e.findtext(f"{ATOM}id") for e in after.findall(f"{ATOM}entry")]
    assert new_ids[1:] == old_ids


def test_feed_without_site_url_or_history(tmp_path: Path, repo: GitRepo) -> None:
    model, history = load(repo.root)
    feed = ET.fromstring(atom_feed(model, history, "", NOW))
    assert all((e.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")
               for e in feed.findall(f"{ATOM}entry"))
    empty = ET.fromstring(atom_feed(model, History.unavailable("no git"), "", NOW))
    assert empty.findall(f"{ATOM}entry") == [] and empty.findtext(f"{ATOM}updated") == (
        "2024-06-30T12:00:00Z")
    note = contributors_page(model, History.unavailable("no git"), TODAY)
    assert "not available" in note and parse(note) is not None


def test_shallow_history_says_so(repo: GitRepo, tmp_path: Path) -> None:
    clone = repo.clone(tmp_path / "shallow", depth=1)
    model, history = load(clone.root)
    assert "shallow clone" in whats_new_page(model, history, "../")


def test_control_characters_in_subjects_are_dropped(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Bell\x07 and\x1b escape", date="2024-01-01")
    model, history = load(r.root)
    assert "\x07" in history.changes[0].subject  # git keeps them
    feed = ET.fromstring(atom_feed(model, history, "https://example.org/", NOW))
    assert feed.findtext(f"{ATOM}entry/{ATOM}summary") == "New course"
    assert "\x07" not in whats_new_page(model, history, "../")
