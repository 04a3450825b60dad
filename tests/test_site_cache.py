"""The build cache (issue 14, DESIGN section 11): after each kind of change, a build that uses
the cache writes the same bytes as a cold build (``--no-cache``) of the same tree, with
``SOURCE_DATE_EPOCH`` set; a damaged cache is noticed and rebuilt; a failed build never writes
it. Real builds of a copy of the sample repository, in a real git repository."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.core.errors import BuildError
from lmsctl.core.model import Course
from lmsctl.targets.site import build_cache
from tests.gitrepo import BOB, GitRepo
from tests.site_support import build, copy_sample, wait_for_trash

EPOCH = "1767225600"  # 2026-01-01


def files_of(folder: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def assert_same_tree(cached: Path, cold: Path) -> None:
    a, b = files_of(cached), files_of(cold)
    assert sorted(a) == sorted(b), (sorted(set(a) ^ set(b)))[:20]
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, differ[:20]


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample in a git repository, built once with the cache (site/ and .lmsctl/cache/)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        root = copy_sample(tmp_path_factory.mktemp("warm") / "repo")
        repo = GitRepo.init(root)
        repo.commit("Add the sample", date="2025-06-01")
        result, _ = build(root, root / "site")
        assert result.rendered == result.pages
        wait_for_trash(root)  # copied by each test: wait for the deletion to end
        yield root


@pytest.fixture
def repo(warm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the warm repository (files, git, site and cache, times kept)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "repo"
    shutil.copytree(warm, root, symlinks=True)
    return root


def rebuild_and_compare(root: Path, tmp_path: Path) -> tuple[int, int, str]:
    """Build with the cache into site/, cold into another folder; the trees must be equal.
    Returns (pages rendered, pages, what the cached build printed)."""
    result, printed = build(root, root / "site")
    cold, _ = build(root, tmp_path / "cold", use_cache=False)
    assert cold.pages == result.pages
    assert_same_tree(root / "site", tmp_path / "cold")
    return result.rendered, result.pages, printed


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


LESSONS = "courses/sales-basics/lessons"


def _age(path: Path, seconds: int = 60) -> int:
    """Give ``path`` a modification time ``seconds`` in the past (settled: ``core.inputs``);
    returns it."""
    stamp = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))
    return stamp


def lesson_edited(root: Path) -> None:
    _edit(root / LESSONS / "03-agreeing-next-steps.md", "## Make it mutual",
          "A new paragraph an author just wrote.\n\n## Make it mutual")


def lesson_added(root: Path) -> None:
    (root / LESSONS / "04-following-up.md").write_text(
        "---\ntitle: Following up\n---\nSend the summary the same day.\n\n## Why\n\nIt shows "
        "you listened.\n", encoding="utf-8")


def lesson_deleted(root: Path) -> None:
    (root / LESSONS / "03-agreeing-next-steps.md").unlink()


def lesson_renamed(root: Path) -> None:
    os.rename(root / LESSONS / "03-agreeing-next-steps.md",
              root / LESSONS / "03-agreeing-the-next-step.md")


def lessons_renumbered(root: Path) -> None:
    os.rename(root / LESSONS / "02-qualifying-opportunities.md",
              root / LESSONS / "04-qualifying-opportunities.md")


def quiz_changed(root: Path) -> None:
    _edit(root / LESSONS / "01-discovery-questions.md",
          "Do you use spreadsheets to pass orders to finance?",
          "Do you pass orders to finance by email?")


def course_title(root: Path) -> None:
    _edit(root / "courses/sales-basics/course.yml", "title: Sales basics",
          "title: Sales fundamentals")


def course_status(root: Path) -> None:
    _edit(root / "courses/sales-basics/course.yml", "status: published", "status: archived")


def course_owners(root: Path) -> None:
    _edit(root / "courses/sales-basics/course.yml", 'owners: ["@jdoe", ', 'owners: ["@asmith", ')


def course_added(root: Path) -> None:
    shutil.copytree(root / "courses/sales-basics", root / "courses/sales-advanced")
    _edit(root / "courses/sales-advanced/course.yml", "title: Sales basics",
          "title: Sales, the advanced course")


def course_deleted(root: Path) -> None:
    shutil.rmtree(root / "courses/giving-useful-peer-review")
    for path in [*root.glob("paths/*.yml"), *root.glob("courses/*/course.yml"),
                 *root.glob("courses/*/lessons/*.md")]:
        text = path.read_text(encoding="utf-8")
        if "giving-useful-peer-review" in text:
            text = "\n".join(line for line in text.splitlines()
                             if "giving-useful-peer-review" not in line) + "\n"
            path.write_text(text.replace("prerequisites: [, ", "prerequisites: ["),
                            encoding="utf-8")


def path_changed(root: Path) -> None:
    _edit(root / "paths/sales-onboarding.yml", "  - {id: first-week-onboarding, optional: true}",
          "  - first-week-onboarding")


def config_changed(root: Path) -> None:
    _edit(root / "lmsctl.yml", "title: Acme Learning", "title: Acme Academy")


def new_commit(root: Path) -> None:
    lesson_edited(root)
    GitRepo(root).commit("Explain mutual next steps", date="2025-11-20", author=BOB)


def mailmap_added(root: Path) -> None:
    """A .mailmap, not committed: the same ``HEAD``, other names (the kept history is not
    used)."""
    (root / ".mailmap").write_text("Ann Renamed <ann@example.org>\n", encoding="utf-8")


CHANGES: list[Callable[[Path], None]] = [
    lesson_edited, lesson_added, lesson_deleted, lesson_renamed, lessons_renumbered,
    quiz_changed, course_title, course_status, course_owners, course_added, course_deleted,
    path_changed, config_changed, new_commit, mailmap_added,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_a_cached_build_after_a_change_equals_a_cold_build(
        change: Callable[[Path], None], repo: Path, tmp_path: Path) -> None:
    change(repo)
    rendered, pages, printed = rebuild_and_compare(repo, tmp_path)
    assert "note:" not in printed
    if change is not config_changed:  # the site title is on every page
        assert rendered < pages, "the cache was not used"
    if change is mailmap_added:
        assert b"Ann Renamed" in b"".join(files_of(repo / "site").values())


def _settle(root: Path) -> None:
    """Age every file written in the last minute (settled: ``core.inputs``)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".lmsctl", "site")]
        for name in filenames:
            path = Path(dirpath) / name
            if path.stat().st_mtime_ns > time.time_ns() - 60_000_000_000:
                _age(path, 120)


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_a_build_with_stand_ins_after_a_change_equals_a_cold_build(
        change: Callable[[Path], None], repo: Path, tmp_path: Path) -> None:
    """The courses a change left as they were are stand-ins (their files unread, their facts
    and findings from the checks' cache): the site and the report are a cold build's."""
    # findings in courses the change leaves as they were: placeholder text (LMS309, a
    # warning in a plain build) and a link to a draft's lesson (LMS212)
    shutil.copytree(repo / "courses/sales-basics", repo / "courses/sales-draft")
    _edit(repo / "courses/sales-draft/course.yml", "status: published", "status: draft")
    lesson = sorted((repo / "courses/giving-useful-peer-review/lessons").glob("*.md"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nReplace this paragraph with a "
                      "one-sentence summary of the play.\n\nSee [the draft](../../sales-draft/"
                      "lessons/01-discovery-questions.md).\n", encoding="utf-8")
    _settle(repo)
    first, _ = build(repo, repo / "site")  # the copy's files are new to the checks' cache
    assert first.stand_ins == 0
    assert {d.rule for d in first.report.diagnostics} == {"LMS212", "LMS309"}
    wait_for_trash(repo)  # (``git add -A`` of new_commit must not see it shrink)
    change(repo)
    _settle(repo)
    result, printed = build(repo, repo / "site")
    assert "note:" not in printed
    folders = len(list(repo.glob("courses/*/course.yml")))
    in_a_course = change in (lesson_edited, lesson_added, lesson_deleted, lesson_renamed,
                              lessons_renumbered, quiz_changed, course_title, course_status,
                              course_owners, course_added, new_commit)
    assert result.stand_ins == folders - in_a_course  # only a changed course is read
    cold, _ = build(repo, tmp_path / "cold", use_cache=False)
    assert cold.pages == result.pages
    assert_same_tree(repo / "site", tmp_path / "cold")
    assert result.report.sorted() == cold.report.sorted()
    assert result.report.files_checked == cold.report.files_checked
    assert result.warnings == cold.warnings


def test_an_unchanged_rebuild_renders_nothing(repo: Path, tmp_path: Path) -> None:
    rendered, pages, printed = rebuild_and_compare(repo, tmp_path)
    assert rendered == 0 and pages > 20
    assert printed == ""


def test_a_new_lmsctl_version_renders_everything(repo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_cache, "__version__", "99.0.0")
    monkeypatch.setattr(build_cache, "_CODE", [])
    rendered, pages, _ = rebuild_and_compare(repo, tmp_path)
    assert rendered == pages


def test_a_rebuild_on_another_day_dates_every_sitemap_entry(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entries of the pages not rendered come from the cached sitemap, with this build's
    date (MkDocs dates every entry with the day of the build)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 3 * 86400))
    lesson_edited(repo)
    rendered, pages, _ = rebuild_and_compare(repo, tmp_path)
    assert rendered < pages
    sitemap = (repo / "site/sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<lastmod>2026-01-04</lastmod>") == sitemap.count("<url>") > 20


def test_an_asset_changed_alone_renders_no_page(repo: Path, tmp_path: Path) -> None:
    """No page rendered: the sitemap is the cached one's entries, the site a cold build's."""
    asset = repo / "courses/sales-basics/assets/question-funnel.svg"
    asset.write_text(asset.read_text(encoding="utf-8").replace("</svg>", "<!-- v2 --></svg>"),
                     encoding="utf-8")
    _age(asset)
    rendered, _, _ = rebuild_and_compare(repo, tmp_path)
    assert rendered == 0
    assert b"v2" in (repo / "site/courses/sales-basics/assets/question-funnel.svg").read_bytes()


def test_rebuilds_in_a_row_make_the_replaced_site_the_cached_copy(
        repo: Path, tmp_path: Path) -> None:
    """A rebuild publishes the cached copy's folder with the pages it rendered renamed over
    it, and the site it replaced becomes the cache's copy (``build_cache.assemble``,
    ``refresh_copy``): build after build, each the same as a cold build, with no note, the
    published files never written into, and the copy sharing the published files."""
    lesson_edited(repo)
    build(repo, repo / "site")  # the copy of the warm repository: its first copy made again
    changes = [lesson_added, quiz_changed, lesson_deleted, course_title]
    for k, change in enumerate(changes):
        site = repo / "site"
        before = {p: (p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
        change(repo)
        rendered, pages, printed = rebuild_and_compare(repo, tmp_path / str(k))
        assert "note:" not in printed and rendered < pages
        for path, (ino, data) in before.items():  # the replaced site: never written into
            if path.exists() and path.stat().st_ino == ino:
                assert path.read_bytes() == data
        copy = _slot(repo) / str(_state(repo)["site"])
        published = {p.relative_to(site).as_posix(): p.stat().st_ino
                     for p in site.rglob("*") if p.is_file()}
        copied = {p.relative_to(copy).as_posix(): p.stat().st_ino
                  for p in copy.rglob("*") if p.is_file()}
        assert copied == published
    rendered, _, printed = rebuild_and_compare(repo, tmp_path / "last")
    assert rendered == 0 and printed == ""


def _rendered_html(site: Path, before: dict[str, int]) -> set[str]:
    """The HTML files of ``site`` that are not the files ``before`` (path -> inode) named: the
    pages this build rendered (a page taken from the cache keeps its file)."""
    return {rel for p in site.rglob("*.html")
            if before.get(rel := p.relative_to(site).as_posix()) != p.stat().st_ino}


def test_a_lesson_body_edit_renders_its_page_only_and_a_duration_change_the_catalog(
        repo: Path, tmp_path: Path) -> None:
    """The site's own pages and the course pages of its dependants (handling-pricing-objections
    has sales-basics as prerequisite) are kept by what they show of a course, not by its text:
    a body edit that keeps the lesson's duration renders none of them, nor the course's other
    pages, only the lesson's (and 404.html, rendered each time) (issue 14); a new
    duration renders the catalog again, as a cold build has it."""
    site = repo / "site"

    def inodes() -> dict[str, int]:
        return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html")}

    quiz_changed(repo)
    build(repo, site)  # the copy of the warm repository: its cached copy made again
    before = inodes()
    lesson_edited(repo)
    rendered, pages, printed = rebuild_and_compare(repo, tmp_path / "body")
    assert "note:" not in printed
    again = _rendered_html(site, before)
    assert again == {"courses/sales-basics/agreeing-next-steps/index.html", "404.html"}
    before = inodes()
    _edit(repo / LESSONS / "03-agreeing-next-steps.md", "duration: 7", "duration: 19")
    rendered, pages, printed = rebuild_and_compare(repo, tmp_path / "duration")
    again = _rendered_html(site, before)
    assert "catalog/index.html" in again
    assert rendered < pages


def touch_an_input(root: Path) -> None:
    """Give lmsctl.yml a new modification time (the same content)."""
    path = root / "lmsctl.yml"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def replayed(result: object) -> bool:
    """Whether a build was the replay of the last one (nothing validated, compiled or
    rendered: ``build_inputs``)."""
    timings = getattr(result, "timings", {})
    return "inputs" in timings and "validate" not in timings and "compile" not in timings


def test_an_unchanged_build_is_replayed(repo: Path, tmp_path: Path) -> None:
    before = files_of(repo / "site")
    # the copy of the warm repository: the same files, times and HEAD, but other inodes and
    # change times, so its inputs are read again once (nothing is rendered)
    first, printed = build(repo, repo / "site", fmt="json")
    assert not replayed(first) and first.rendered == 0
    again, printed_again = build(repo, repo / "site", fmt="json")
    assert replayed(again) and again.rendered == 0
    assert (again.pages, again.courses) == (first.pages, first.courses) and first.pages > 20
    assert json.loads(printed_again) == json.loads(printed)  # the same report
    assert files_of(repo / "site") == before
    touch_an_input(repo)
    slow, printed_slow = build(repo, repo / "site", fmt="json")
    assert not replayed(slow) and slow.rendered == 0  # read again, nothing to render
    assert json.loads(printed_slow)["summary"] == json.loads(printed)["summary"]
    assert replayed(build(repo, repo / "site")[0])


def test_a_replayed_build_reports_the_same_warnings(repo: Path, tmp_path: Path) -> None:
    shutil.copytree(repo / "courses/sales-basics", repo / "courses/sales-draft")
    _edit(repo / "courses/sales-draft/course.yml", "status: published", "status: draft")
    _edit(repo / LESSONS / "03-agreeing-next-steps.md", "## Make it mutual",  # not built
          "See [the draft](../../sales-draft/lessons/01-discovery-questions.md).\n\n"
          "## Make it mutual")
    for edited in ("courses/sales-draft/course.yml", f"{LESSONS}/03-agreeing-next-steps.md"):
        _age(repo / edited)  # else too recent for the build to be recorded
    first, printed = build(repo, repo / "site")
    assert not replayed(first) and first.report.diagnostics, printed
    again, printed_again = build(repo, repo / "site")
    assert replayed(again)
    assert printed_again == printed
    assert again.report.sorted() == first.report.sorted()
    assert again.warnings == first.warnings


def test_old_trees_are_deleted_in_the_background(repo: Path, tmp_path: Path) -> None:
    lesson_edited(repo)
    result, _ = build(repo, repo / "site")
    assert not replayed(result) and result.rendered > 0
    trash = repo / ".lmsctl/trash"
    assert trash.is_dir()  # the old site, the build folder, the cache's old copy went here
    assert not [p for p in repo.iterdir() if p.name.startswith((".site-", ".lmsctl-build"))]
    wait_for_trash(repo)
    assert not any(trash.iterdir())


def test_a_build_right_after_an_edit_records_nothing_to_replay(repo: Path,
                                                               tmp_path: Path) -> None:
    """A file written within ``RACY_SECONDS`` of the stamp may be written again in the same
    tick of the file system's clock: such a build is not recorded, the next one reads again."""
    lesson = repo / LESSONS / "03-agreeing-next-steps.md"
    _edit(lesson, "## Make it mutual", "Version one of a new paragraph.\n\n## Make it mutual")
    assert not replayed(build(repo, repo / "site")[0])
    stamp = lesson.stat().st_mtime_ns
    _edit(lesson, "Version one", "Version two")
    os.utime(lesson, ns=(stamp, stamp))
    rendered, _, _ = rebuild_and_compare(repo, tmp_path)
    assert rendered > 0
    assert b"Version two" in (repo / "site/courses/sales-basics/agreeing-next-steps/"
                              "index.html").read_bytes()


def test_a_same_size_edit_with_its_time_set_back_is_rebuilt(repo: Path,
                                                           tmp_path: Path) -> None:
    """The stamp compares change times and inodes too: an edit that keeps a settled file's
    size and sets its modification time back is not replayed."""
    lesson = repo / LESSONS / "03-agreeing-next-steps.md"
    _edit(lesson, "## Make it mutual", "Version one of a new paragraph.\n\n## Make it mutual")
    stamp = _age(lesson)
    first, _ = build(repo, repo / "site")
    assert not replayed(first) and first.rendered > 0
    assert replayed(build(repo, repo / "site")[0])  # settled: recorded
    _edit(lesson, "Version one", "Version two")
    os.utime(lesson, ns=(stamp, stamp))
    assert lesson.stat().st_mtime_ns == stamp
    result, _ = build(repo, repo / "site")
    assert not replayed(result) and result.rendered > 0
    assert b"Version two" in (repo / "site/courses/sales-basics/agreeing-next-steps/"
                              "index.html").read_bytes()
    cold, _ = build(repo, tmp_path / "cold", use_cache=False)
    assert_same_tree(repo / "site", tmp_path / "cold")


def test_a_build_leaves_the_authors_assets_as_they_were(repo: Path, tmp_path: Path) -> None:
    """Assets reach the temporary docs tree as symlinks: a hard link would give the author's
    file a new change time (and link count), and the next stamp would never match."""
    asset = repo / "courses/sales-basics/assets/question-funnel.svg"
    before = asset.stat()
    shutil.rmtree(repo / ".lmsctl")  # a cold build: every course compiled, every asset placed
    first, _ = build(repo, repo / "site")
    assert not replayed(first) and first.rendered == first.pages
    after = asset.stat()
    assert (after.st_ctime_ns, after.st_nlink, after.st_ino) == \
        (before.st_ctime_ns, before.st_nlink, before.st_ino)
    published = repo / "site/courses/sales-basics/assets/question-funnel.svg"
    assert not published.is_symlink() and published.read_bytes() == asset.read_bytes()
    assert published.stat().st_ino != asset.stat().st_ino
    assert replayed(build(repo, repo / "site")[0])


def test_a_site_changed_by_hand_is_rebuilt(repo: Path, tmp_path: Path) -> None:
    page = repo / "site/courses/sales-basics/index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>hand made</p></body>"))
    rebuild_and_compare(repo, tmp_path)  # not replayed: site/ is the cold build's again
    assert b"hand made" not in page.read_bytes()


def test_a_damaged_record_is_not_replayed(repo: Path, tmp_path: Path) -> None:
    build(repo, repo / "site")  # recorded for the copy's files (their inodes, change times)
    path = _slot(repo) / build_cache.STATE
    state = json.loads(path.read_text(encoding="utf-8"))
    state["record"]["report"]["diagnostics"] = [{"rule": "LMS000"}]
    path.write_text(json.dumps(state), encoding="utf-8")
    _, _, printed = rebuild_and_compare(repo, tmp_path)
    assert "note: the build cache" in printed and "damaged record" in printed, printed
    again, printed = build(repo, repo / "site")
    assert replayed(again) and printed == ""


def _slot(root: Path) -> Path:
    return next((root / build_cache.CACHE_DIR).iterdir())


def _state(root: Path) -> dict[str, object]:
    data = json.loads((_slot(root) / build_cache.STATE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _truncate_state(root: Path) -> None:
    path = _slot(root) / build_cache.STATE
    path.write_bytes(path.read_bytes()[:100])


def _state_of_another_kind(root: Path) -> None:
    (_slot(root) / build_cache.STATE).write_text('{"format": 1, "secret": 3}', encoding="utf-8")


def _damage_a_compiled_course(root: Path) -> Path:
    """Damage a stored course's pages (not its head); returns the docs/ path of a lesson of it."""
    path = next(p for p in sorted(_slot(root).glob("compile-*.json"))
                if b'"kind":"lesson"' in p.read_bytes())
    raw = bytearray(path.read_bytes())
    head = json.loads(bytes(raw).split(b"\n")[1])
    at = raw.index(b"<h2")
    raw[at + 1:at + 3] = b"h3"  # still JSON, same length: only the checksum tells
    path.write_bytes(bytes(raw))
    return next(doc for doc, _t, _e, _c, kind in head["pages"] if kind == "lesson")


def _damage_a_compiled_course_rendered(root: Path) -> None:
    """A stored course's pages are read (and checked) when rendered: its lesson's output is
    taken out of the cache's copy of the site, so that page is rendered again."""
    doc = _damage_a_compiled_course(root)
    (_slot(root) / str(_state(root)["site"]) / build_cache.page_dest(doc)).unlink()


def test_a_damaged_compiled_course_whose_pages_are_not_rendered_is_left_unread(
        repo: Path, tmp_path: Path) -> None:
    """Only the head of an unchanged course is read (issue 14): damage in its pages does not
    matter while the cached site has them; the site is a cold build's all the same."""
    _damage_a_compiled_course(repo)
    touch_an_input(repo)
    rendered, _, printed = rebuild_and_compare(repo, tmp_path)
    assert rendered == 0 and "note:" not in printed  # its pages were not read


def test_an_unchanged_course_is_read_from_the_heads_file_alone(repo: Path,
                                                                tmp_path: Path) -> None:
    """The heads of the stored courses are one file (``heads-<hash>.json``, issue 14): a
    rebuild after a lesson edit opens no other course's stored file while the cached site has
    its pages (here they are gone, and nothing says so), and the site is a cold build's."""
    heads = _state(repo)["heads"]
    assert isinstance(heads, list) and (_slot(repo) / str(heads[0])).is_file()
    stored = [p for p in _slot(repo).glob("compile-*.json") if b'"kind":"lesson"' in p.read_bytes()]
    assert len(stored) > 3
    for path in stored:  # the courses' (not the site pages' also stored there)
        path.unlink()
    lesson_edited(repo)
    rendered, _, printed = rebuild_and_compare(repo, tmp_path)
    assert "note:" not in printed and rendered == 1, printed
    assert _state(repo)["heads"] != heads  # the edited course's head, written again


def test_the_copy_a_state_names_is_never_changed_in_place(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the cached copy's folder cannot become the new site (``assemble`` links the kept
    files instead, as on another file system), the copy is brought up to date under a new
    name, so that no state ever names a copy holding files it does not list (``assemble``
    removes by the listing)."""
    def link_instead(stage: Path, reuse: build_cache.Reuse, keep: set[str]) -> bool:
        build_cache._link_kept(stage, reuse.site, keep)
        return False

    monkeypatch.setattr(build_cache, "assemble", link_instead)
    before = str(_state(repo)["site"])
    lesson_edited(repo)
    rendered, pages, printed = rebuild_and_compare(repo, tmp_path)
    assert "note:" not in printed and rendered < pages
    after = str(_state(repo)["site"])
    assert after != before and not (_slot(repo) / before).exists()
    assert files_of(_slot(repo) / after) == files_of(repo / "site")


@pytest.mark.parametrize("where", ["courses/sales-basics/by-hand.html", "by-hand.html"])
def test_a_file_added_to_the_published_site_by_hand_never_comes_back(
        where: str, repo: Path, tmp_path: Path) -> None:
    """The site a build replaces becomes the cache's copy only when no file was added to it
    (``folders_stamp``): else a later build, which removes what the state lists from that
    copy (``assemble``), would publish the added file again."""
    lesson_edited(repo)
    build(repo, repo / "site")  # the copy of the warm repository: its first copy made again
    (repo / "site" / where).write_text("by hand", encoding="utf-8")
    lesson_added(repo)
    rebuild_and_compare(repo, tmp_path / "first")
    quiz_changed(repo)
    rendered, pages, printed = rebuild_and_compare(repo, tmp_path / "second")
    assert rendered < pages and "note:" not in printed
    assert where not in files_of(_slot(repo) / str(_state(repo)["site"]))


def test_an_untouched_replaced_site_becomes_the_copy(repo: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp of a published site's folders (``folders_stamp``) is the same when the next
    build replaces it: that site becomes the cache's copy, no file linked again."""
    lesson_edited(repo)
    build(repo, repo / "site")  # the copy of the warm repository: its first copy made again

    def no_links(*_args: object) -> None:
        raise AssertionError("the site was linked file by file")

    monkeypatch.setattr(build_cache, "link_tree", no_links)
    monkeypatch.setattr(build_cache, "update_tree", no_links)
    for k, change in enumerate([lesson_added, quiz_changed]):
        change(repo)
        rendered, pages, printed = rebuild_and_compare(repo, tmp_path / str(k))
        assert rendered < pages and "note:" not in printed


def test_assemble_removes_what_the_state_lists_but_the_kept_files(tmp_path: Path) -> None:
    """The cached site's folder becomes the site: the files its listing names but ``keep``
    are removed (with the folders they leave empty), the rendered ones put over it; the
    folder is not walked (it holds nothing else, ``BuildCache.commit``)."""
    cached, stage = tmp_path / "site-1", tmp_path / ".site-1-ab"
    for rel in ("index.html", "a/index.html", "b/index.html", "b/c/index.html", "unlisted"):
        (cached / rel).parent.mkdir(parents=True, exist_ok=True)
        (cached / rel).write_text("cached " + rel, encoding="utf-8")
    (stage / "a").mkdir(parents=True)
    (stage / "a/index.html").write_text("rendered", encoding="utf-8")
    reuse = build_cache.Reuse(site=cached, skip_pages=set(), static={}, outputs={},
                              listed=["index.html", "a/index.html", "b/index.html",
                                      "b/c/index.html"])
    assert build_cache.assemble(stage, reuse, {"index.html"})
    assert files_of(stage) == {"index.html": b"cached index.html", "a/index.html": b"rendered",
                               "unlisted": b"cached unlisted"}
    assert not cached.exists() and not (stage / "b").exists()


def test_the_search_documents_are_read_ahead_and_checked_by_the_plan(repo: Path) -> None:
    """``prefetch_docs`` reads the files of search documents (and their SHA-256) in a thread
    while the courses are compiled; ``plan`` checks what it read against the state, so a
    damaged file read ahead is noticed as one read then."""
    state = _state(repo)
    pages = {src: v[0] for src, v in state["pages"].items()}  # type: ignore[attr-defined]
    parts = state["docs"]
    assert isinstance(parts, dict) and len(parts) > 3
    for damaged in (False, True):
        notes: list[str] = []
        cache = build_cache.BuildCache(_slot(repo), notes.append)
        cache.load()
        cache.prefetch_docs()
        assert cache._prefetch is not None
        thread, read = cache._prefetch
        thread.join()
        assert sorted(read) == sorted(found[0] for found in parts.values())
        if damaged:
            name = parts["sales-basics"][0]
            read[name] = (read[name][0] + b" ", read[name][1][::-1])
        reuse = cache.plan(pages)
        if damaged:
            assert reuse is None and any(f"damaged {name}" in n for n in notes), notes
        else:
            assert reuse is not None and reuse.skip_pages == set(pages) and notes == []


def test_what_an_unchanged_course_shows_is_kept_by_its_digest(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a course shows to other pages (``compile.shown``, part of their keys) is kept in
    the state by the course's digest, for this code: after a lesson edit, only the edited
    course's is found again (issue 14), and the site is a cold build's."""
    from lmsctl.targets.site import compile as compiler

    kept = _state(repo)["shown"]
    assert isinstance(kept, list) and kept[0] == build_cache.code_fingerprint()
    assert len(kept[1]) > 3
    found: list[str] = []
    real = compiler.shown

    def counted(course: Course) -> str:
        found.append(course.id)
        return real(course)

    monkeypatch.setattr(compiler, "shown", counted)
    lesson_edited(repo)
    rebuild_and_compare(repo, tmp_path)
    assert found == ["sales-basics"]


def _alter_a_published_page(root: Path) -> None:
    # the published site and the cache share files (hard links; the copy of the repository
    # made for the test does not): an in-place write to one reaches the other
    site = _slot(root) / str(_state(root)["site"])
    page = site / "courses/sales-basics/discovery-questions/index.html"
    with open(page, "r+b") as f:
        f.seek(0)
        f.write(b"<!-- edited by hand -->")


def _truncate_a_cached_file(root: Path) -> None:
    site = _slot(root) / str(_state(root)["site"])
    target = site / "courses/handling-pricing-objections/index.html"
    os.truncate(target, 10)


def _remove_search_documents(root: Path) -> None:
    parts = _state(root)["docs"]
    assert isinstance(parts, dict) and "sales-basics" in parts and "" in parts
    (_slot(root) / parts["sales-basics"][0]).unlink()  # one course's part


def _damage_the_heads(root: Path) -> None:
    path = _slot(root) / str(_state(root)["heads"][0])  # type: ignore[index]
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def _damage_the_history(root: Path) -> None:
    key = _state(root)["history"][0]  # type: ignore[index]
    path = _slot(root) / f"history-{key}.json"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


DAMAGE: list[tuple[Callable[[Path], None], str]] = [
    (_truncate_state, "could not be read"),
    (_state_of_another_kind, "could not be read"),
    (_damage_a_compiled_course_rendered, "damaged compile-"),
    (_alter_a_published_page, "missing or altered"),
    (_truncate_a_cached_file, "missing or altered"),
    (_remove_search_documents, "misses docs-"),
    (_damage_the_history, "damaged history-"),
    (_damage_the_heads, "damaged heads-"),
]


@pytest.mark.parametrize(("damage", "says"), DAMAGE, ids=lambda v: getattr(v, "__name__", ""))
def test_a_damaged_cache_is_rebuilt_with_a_note(damage: Callable[[Path], None], says: str,
                                                repo: Path, tmp_path: Path) -> None:
    damage(repo)
    touch_an_input(repo)  # else the unchanged build is replayed without reading the cache
    _, _, printed = rebuild_and_compare(repo, tmp_path)
    assert "note: the build cache" in printed and says in printed, printed
    assert "Traceback" not in printed
    # and the cache is whole again: the next build renders nothing and says nothing
    again, _ = build(repo, repo / "site")
    assert again.rendered == 0
    assert "note:" not in _


def test_the_history_is_kept_by_head(repo: Path, tmp_path: Path) -> None:
    """The history read from git is kept in the cache under ``HEAD`` (and .mailmap); a build
    at the same ``HEAD`` uses it, a new commit reads git again."""
    first = _state(repo)["history"]
    assert isinstance(first, list) and (_slot(repo) / f"history-{first[0]}.json").is_file()
    lesson_edited(repo)
    rebuild_and_compare(repo, tmp_path)
    assert _state(repo)["history"] == first  # the same HEAD: the same history, not rewritten
    GitRepo(repo).commit("Explain mutual next steps", date="2025-11-20", author=BOB)
    shutil.rmtree(tmp_path / "cold")
    rebuild_and_compare(repo, tmp_path)
    second = _state(repo)["history"]
    assert isinstance(second, list) and second[0] != first[0]
    assert [p.name for p in _slot(repo).glob("history-*")] == [f"history-{second[0]}.json"]


def test_an_edit_rewrites_only_its_courses_search_documents(repo: Path,
                                                             tmp_path: Path) -> None:
    """The search documents are kept per course (and one part for the other pages): a lesson
    edit writes its course's part again, no other."""
    before = _state(repo)["docs"]
    assert isinstance(before, dict) and len(before) > 3
    lesson_edited(repo)
    rebuild_and_compare(repo, tmp_path)
    after = _state(repo)["docs"]
    assert isinstance(after, dict) and after.keys() == before.keys()
    assert after["sales-basics"] != before["sales-basics"]
    assert {k: v for k, v in after.items() if k != "sales-basics"} == \
        {k: v for k, v in before.items() if k != "sales-basics"}
    assert sorted(p.name for p in _slot(repo).glob("docs-*")) == \
        sorted({found[0] for found in after.values()})


def test_the_kept_history_is_the_one_git_gives(repo: Path) -> None:
    from lmsctl.core.history import read_history

    GitRepo(repo).commit("A change with a co-author", date="2025-10-02", author=BOB,
                         allow_empty=True, trailers=[("Co-authored-by", "Ann Author "
                                                      "<ann@example.org>")])
    build(repo, repo / "site")
    cache = build_cache.BuildCache(_slot(repo), print)
    cache.load()
    key = _state(repo)["history"][0]  # type: ignore[index]
    kept = cache.history(str(key))
    assert kept is not None
    assert kept.changes == read_history(repo).changes and len(kept.changes) == 2
    assert [c.coauthors for c in kept.changes][0]


def test_a_failed_build_never_writes_the_cache(repo: Path, tmp_path: Path) -> None:
    slot = _slot(repo)
    before = {p.name: p.stat().st_mtime_ns for p in slot.iterdir()}
    state = (slot / build_cache.STATE).read_bytes()
    site = files_of(repo / "site")
    # a link to a lesson this build does not publish: a warning found while compiling, which
    # fails a --strict build after its pages were rendered
    _edit(repo / "courses/sales-basics/course.yml", "status: published", "status: draft")
    _edit(repo / "courses/handling-pricing-objections/lessons" / next(
        p.name for p in (repo / "courses/handling-pricing-objections/lessons").iterdir()),
        "\n## ", "\nSee [discovery](../../sales-basics/lessons/01-discovery-questions.md).\n\n## ")
    with pytest.raises(BuildError):
        build(repo, repo / "site", strict=True)
    assert (slot / build_cache.STATE).read_bytes() == state
    assert {p.name: p.stat().st_mtime_ns for p in slot.iterdir()} == before
    assert files_of(repo / "site") == site
    rebuild_and_compare(repo, tmp_path)


def _compiled_files(root: Path) -> dict[str, object]:
    """The compiled courses the state names, each checked against its file in the cache."""
    compiled = _state(root)["compiled"]
    assert isinstance(compiled, dict) and compiled
    for key, sha in compiled.items():
        raw = (_slot(root) / f"compile-{key}.json").read_bytes()
        assert hashlib.sha256(raw).hexdigest() == sha
    return compiled


def test_courses_compiled_wait_in_the_workspace_then_reach_the_cache(repo: Path,
                                                                     tmp_path: Path) -> None:
    """Each course a build compiles is written out as it is compiled, in the build's workspace
    (issue 14: not held in memory), and moved into the cache once the site is published."""
    before = _compiled_files(repo)
    lesson_edited(repo)
    rebuild_and_compare(repo, tmp_path)
    after = _compiled_files(repo)
    assert set(after) - set(before)  # the edited course (and what shows it), compiled again
    assert not (_slot(repo) / build_cache.PENDING).exists()


def test_no_cache_neither_reads_nor_writes_it(repo: Path, tmp_path: Path) -> None:
    shutil.rmtree(repo / ".lmsctl")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--no-cache", "--repo", str(repo), "--out",
                                      str(out)])
    assert result.exit_code == 0, result.output
    assert not (repo / ".lmsctl").exists()
    result = CliRunner().invoke(cli, ["build", "--repo", str(repo), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (repo / build_cache.CACHE_DIR).is_dir()


def test_a_preview_keeps_its_own_cache(repo: Path, tmp_path: Path) -> None:
    first, _ = build(repo, tmp_path / "preview", course="sales-basics")
    lesson_edited(repo)
    second, _ = build(repo, tmp_path / "preview", course="sales-basics")
    assert 0 < second.rendered < second.pages == first.pages
    cold, _ = build(repo, tmp_path / "cold", course="sales-basics", use_cache=False)
    assert_same_tree(tmp_path / "preview", tmp_path / "cold")
    # the whole site's cache slot is still the one of the whole site
    whole, _ = build(repo, repo / "site")
    assert whole.rendered < whole.pages


def test_the_quiz_slot_marker_stays_secret(repo: Path) -> None:
    """The nonce comes from the cache's secret; it is never in the published site."""
    secret = str(_state(repo)["secret"])
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    site = b"".join(files_of(repo / "site").values())
    assert secret.encode() not in site
    nonce = "lmsctl" + hmac.new(secret.encode(), b"site", "sha256").hexdigest()[:32]
    assert nonce.encode() not in site
    slots = re.findall(r"lmsctl[0-9a-f]{32}", "".join(
        p.read_text(encoding="utf-8") for p in _slot(repo).glob("compile-*.json")))
    assert slots and nonce not in slots  # each course has its own


def test_a_stored_course_reads_back_as_it_was_written() -> None:
    """``compile-<key>.json``: a JSON head, the course's manifest member, then each page's
    text and entry as they are; the manifest written with the entries read back (never
    decoded) is the manifest of the entries themselves."""
    from lmsctl.targets.site.compile import _manifest_json

    entry = {"kind": "lesson", "course": "c", "html": True, "toc": [[2, "why", "Why “now” ✓"]],
             "before": '<p class="x">\n"quoted" \\ </p>'}
    stored = build_cache.Stored(
        writes=[["courses/c/lessons/01-a.md", "---\n{\"title\": \"Ä\"}\n---\n<h2>✓</h2>\n",
                 entry], ["feed.xml", "<feed/>", None], ["courses/c/index.md", "", {}]],
        course={"title": "Ç", "sidebar": "<nav>\n</nav>"},
        warnings=[["LMS212", "warning", "courses/c/lessons/01-a.md", 3, 4, "m", None]],
        digests={"courses/c/lessons/01-a.md": "d1"})
    back = build_cache.decode_stored(build_cache.encode_stored(stored))
    assert [w[:2] for w in back.writes] == [w[:2] for w in stored.writes]
    assert [json.loads(w[2]) if w[2] is not None else None for w in back.writes] == \
        [w[2] for w in stored.writes]
    assert (back.course, back.warnings, back.digests) == \
        (stored.course, stored.warnings, stored.digests)
    kept = back.writes[0][2]
    assert isinstance(kept, build_cache.RawEntry)
    assert (kept.get("course"), kept.get("kind"), kept.get("html")) == ("c", "lesson", None)
    manifest = {"version": 1, "pages": {w[0]: w[2] for w in back.writes if w[2] is not None},
                "courses": {"c": back.course}, "nonce": "n"}
    plain = {**manifest, "pages": {w[0]: w[2] for w in stored.writes if w[2] is not None}}
    assert _manifest_json(manifest) == json.dumps(plain, ensure_ascii=False,
                                                  separators=(",", ":"))
    raw = build_cache.encode_stored(stored)
    older = raw.replace(build_cache.COMPILED_MAGIC, b"lmsctl-compiled 2\n")
    for broken in (raw[:-1], raw + b"x", older):
        with pytest.raises((ValueError, KeyError, TypeError)):
            build_cache.decode_stored(broken)


def test_a_stand_in_keeps_its_errors(repo: Path, tmp_path: Path) -> None:
    """A course with errors of its own (a broken course.yml value, an image that does not
    exist) fails every build while it is unchanged, a stand-in or not: with the same report."""
    lesson = sorted((repo / "courses/giving-useful-peer-review/lessons").glob("*.md"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n![A chart](../assets/nope.png)\n"
                      "\n![Far](/etc/passwd.png)\n", encoding="utf-8")
    _edit(repo / "courses/first-week-onboarding/course.yml", "title:", "level: wizard\ntitle:")
    _settle(repo)
    with pytest.raises(BuildError) as first:
        build(repo, repo / "site")
    lesson_edited(repo)  # another course
    _settle(repo)
    with pytest.raises(BuildError) as again:
        build(repo, repo / "site")
    with pytest.raises(BuildError) as cold:
        build(repo, tmp_path / "cold", use_cache=False)
    rules = {getattr(d, "rule", "") for d in first.value.findings}
    assert {"LMS207", "LMS208"} <= rules and len(rules) >= 3, rules
    assert again.value.findings == cold.value.findings == first.value.findings


def test_a_stand_in_whose_course_yml_went_away_mid_build_is_a_clear_build_error(
        sample_repo: Path) -> None:
    """A stand-in's course.yml read well when the build began; if it is gone (or broken) by the
    time its pages are compiled, the build stops with a message, not an internal error."""
    from lmsctl.content.loader import load_course
    from lmsctl.core.errors import BuildError
    from lmsctl.targets.site.pipeline import stand_in_read

    root = sample_repo.resolve()
    folder = sorted(p.parent for p in (root / "courses").glob("*/course.yml"))[0]
    course = load_course(root, folder)[0]
    assert course is not None
    assert stand_in_read(root, course).id == course.id
    (folder / "course.yml").unlink()
    with pytest.raises(BuildError) as caught:
        stand_in_read(root, course)
    assert f"{course.rel_dir}/course.yml changed while" in str(caught.value)
