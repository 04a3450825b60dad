"""Who changed what, and when: the repository's git history read in one pass.

``read_history(repo)`` runs ONE ``git log`` over the whole repository (plus one
``git rev-parse`` to find the repository and whether the clone is shallow, and, only when
there are ``Co-authored-by:`` trailers, one batched ``git check-mailmap``), and parses it into
per-course and per-lesson histories. It never runs git once per file.

Decisions (documented for authors in the README):

- A change's ``date`` is the *committer* date: the day the change landed on the branch (a
  rebased or squash-merged pull request lands the day it merges). ``author_date`` is kept too.
- ``.mailmap`` is honoured for authors (``%aN``/``%aE``) and for co-authors
  (``git check-mailmap``). People are the same person when their (mapped) e-mail addresses are
  equal, ignoring case; the newest name wins. Use ``.mailmap`` to merge two addresses.
- ``Co-authored-by:`` trailers count as contributions, exactly like authorship.
- Bots (``[bot]`` in the name or e-mail) are left out: a change made only by bots neither
  credits anyone nor counts as a content change (it does not make a course "fresh").
- Merge commits are skipped (their content is in the commits they merge).
- A *review edit* is a commit that, within a course, changes only ``course.yml`` by one line
  added and at most one removed (what ``lmsctl review`` produces): its author and co-authors
  reviewed the course, and it is not a content change (the page's "last updated" stays the
  date of the last real change; "last reviewed" comes from ``reviewed:``).
- A ``Reviewed-by: Name <email>`` trailer credits that person as a reviewer of every course
  the commit touches; the commit itself counts as usual.
- Review edits and commits with ``Reviewed-by:`` are the course's *review records*.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lmsctl.core import git
from lmsctl.core.ids import lesson_id
from lmsctl.core.model import Repository

#: Start of each commit record in our ``git log`` output (cannot occur in a commit subject).
_SENTINEL = "\x1eLMSCTL\x1d"
_FORMAT = (
    "%x1eLMSCTL%x1d%H%x00%aN%x00%aE%x00%aI%x00%cI%x00%s%x00"
    "%(trailers:key=Co-authored-by,valueonly,separator=%x1f)%x00"
    "%(trailers:key=Reviewed-by,valueonly,separator=%x1f)%x00"
)
_HEADER_FIELDS = 8
_CONTACT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]*)>\s*$")
#: GitHub's private commit e-mail: ``12345+handle@users.noreply.github.com``.
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<handle>[A-Za-z0-9-]+)@users\.noreply\.github\.com$",
                      re.IGNORECASE)
_CHUNK = 400  # contacts per git check-mailmap call
_TIMEOUT = 600


#: Anything that looks like an e-mail address (``local@domain``), however it is wrapped.
_ADDRESS = re.compile(r"[^\s<>()\[\]{}\"',;:@]+@[^\s<>()\[\]{}\"',;:@]+")
#: What is left of a name after its addresses are removed, when nothing is.
ANONYMOUS = "Anonymous contributor"


def public_name(text: str) -> str:
    """A name as the site may show it: every e-mail address (and ``<``, ``>``) removed.
    Addresses are never published, whatever an author, trailer or ``.mailmap`` holds."""
    cleaned = _ADDRESS.sub(" ", text)
    if "@" in cleaned:  # a handle ("@jdoe") is fine; anything else with an @ is not
        cleaned = " ".join(w for w in cleaned.split() if "@" not in w[1:] and w != "@")
    cleaned = re.sub(r"[<>\s]+", " ", cleaned)
    cleaned = re.sub(r"\(\s*\)|\[\s*\]|\s+(?=[,;)])", "", cleaned)
    return cleaned.strip(" -,;:|\"'")


def without_addresses(text: str) -> str:
    """Untrusted text from history (a commit subject) with e-mail addresses taken out."""
    return _ADDRESS.sub("(address removed)", text) if "@" in text else text


@dataclass(frozen=True)
class Person:
    name: str  # never an e-mail address (see ``public_name``)
    email: str

    def __post_init__(self) -> None:
        name = public_name(self.name)
        if not name:
            m = _NOREPLY.match(self.email)
            name = m.group("handle") if m else ANONYMOUS
        object.__setattr__(self, "name", name)

    @property
    def key(self) -> str:
        """Identity: the e-mail address ignoring case (the name when there is no address)."""
        return self.email.lower() or f"name:{self.name.lower()}"

    @property
    def github(self) -> str | None:
        """The GitHub handle when the e-mail is GitHub's private no-reply address."""
        m = _NOREPLY.match(self.email)
        return m.group("handle") if m else None

    @property
    def is_bot(self) -> bool:
        return is_bot(self.name, self.email)


def is_bot(name: str, email: str) -> bool:
    return "[bot]" in name.lower() or "[bot]" in email.lower()


@dataclass(frozen=True)
class Change:
    """One commit (merges and bot-only commits are left out)."""

    sha: str
    date: dt.date  # committer date: when it landed on the branch
    subject: str
    author: Person
    coauthors: tuple[Person, ...]
    files: tuple[str, ...]  # paths relative to the course repository root, with /
    when: dt.datetime | None = None  # committer date and time, with its offset
    author_date: dt.date | None = None
    reviewers: tuple[Person, ...] = ()  # from Reviewed-by: trailers
    #: path -> (lines added, lines deleted); None for binary files
    stats: tuple[tuple[str, int | None, int | None], ...] = field(default=(), repr=False)

    @property
    def people(self) -> tuple[Person, ...]:
        """Author first, then co-authors (each once)."""
        return (self.author, *self.coauthors)

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class LessonHistory:
    course_id: str
    lesson_id: str
    created: dt.date | None
    last_change: dt.date | None
    contributors: tuple[Person, ...]
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class CourseHistory:
    course_id: str
    created: dt.date | None
    last_change: dt.date | None  # newest content change (review records excluded)
    contributors: tuple[Person, ...]  # authors and co-authors, most contributions first
    changes: tuple[Change, ...]  # content changes, newest first
    reviews: tuple[Change, ...] = ()  # review records, newest first
    reviewers: tuple[Person, ...] = ()  # authors of review records and Reviewed-by people
    #: the commit that created the course (the oldest one that touched it), if known
    first: Change | None = None

    @property
    def empty(self) -> bool:
        return not self.changes and not self.reviews


def _course_of(path: str) -> str | None:
    parts = path.split("/", 2)
    if len(parts) < 3 or parts[0] != "courses" or parts[1].startswith(("_", ".")):
        return None
    return parts[1]


def _lesson_of(path: str) -> tuple[str, str] | None:
    """``courses/<id>/lessons/NN-name.md`` -> (course id, lesson id)."""
    parts = path.split("/")
    if (len(parts) != 4 or parts[0] != "courses" or parts[2] != "lessons"
            or not parts[3].endswith(".md") or parts[1].startswith(("_", "."))):
        return None

    return parts[1], lesson_id(parts[3])


def _rank(changes: Iterable[Change]) -> tuple[Person, ...]:
    """People of ``changes`` (newest first), most contributions first; ties: who came first."""
    count: Counter[Person] = Counter()
    first: dict[Person, int] = {}
    for i, change in enumerate(reversed(list(changes))):
        for p in dict.fromkeys(change.people):
            count[p] += 1
            first.setdefault(p, i)
    return tuple(sorted(first, key=lambda p: (-count[p], first[p], p.name.lower())))


def reviewers_of(change: Change, review_edit: bool) -> tuple[Person, ...]:
    """Who reviewed in this change: the ``Reviewed-by:`` people, and the author (and
    co-authors) of a review edit."""
    people = list(change.people) if review_edit else []
    return tuple(dict.fromkeys([*people, *change.reviewers]))


@dataclass(frozen=True)
class Contribution:
    """What one person did, for the contributors page."""

    person: Person
    courses_authored: tuple[str, ...]  # courses whose creating commit they authored/co-authored
    lessons_improved: tuple[tuple[str, str], ...]  # (course id, lesson id) changed later
    courses_reviewed: tuple[str, ...]
    courses: tuple[str, ...]  # every course they contributed to, most recent first
    changes: int
    first: dt.date
    last: dt.date
    reviews: int = 0  # review records given (review edits and Reviewed-by: trailers)


@dataclass
class _CourseIndex:
    content: list[Change] = field(default_factory=list)  # newest first
    reviews: list[Change] = field(default_factory=list)  # review edits and Reviewed-by changes
    reviewers: dict[str, tuple[Person, ...]] = field(default_factory=dict)  # sha -> people


class History:
    """The repository's history, indexed by course and lesson."""

    def __init__(self, changes: Sequence[Change] = (), *, available: bool = True,
                 shallow: bool = False, reason: str = "") -> None:
        # newest first; git's order is kept for changes at the same time
        self.changes: tuple[Change, ...] = tuple(sorted(changes, key=_order_key))
        self.available = available
        self.shallow = shallow
        self.reason = reason  # why the history is not available, for messages
        self._courses: dict[str, CourseHistory] = {}

    @classmethod
    def unavailable(cls, reason: str) -> History:
        return cls((), available=False, reason=reason)

    # -- indexes, built once on first use -------------------------------------------------

    @cached_property
    def _by_course(self) -> dict[str, _CourseIndex]:
        index: dict[str, _CourseIndex] = {}
        for change in self.changes:
            touched: dict[str, list[tuple[str, int | None, int | None]]] = {}
            for path, added, deleted in change.stats or ((f, None, None) for f in change.files):
                cid = _course_of(path)
                if cid is not None:
                    touched.setdefault(cid, []).append((path, added, deleted))
            for cid, stats in touched.items():
                entry = index.setdefault(cid, _CourseIndex())
                review_edit = _is_review_edit(cid, stats)
                if not review_edit:
                    entry.content.append(change)
                people = reviewers_of(change, review_edit)
                if people:
                    entry.reviews.append(change)
                    entry.reviewers[change.sha] = people
        return index

    @cached_property
    def _by_lesson(self) -> dict[tuple[str, str], list[Change]]:
        index: dict[tuple[str, str], list[Change]] = {}
        for change in self.changes:
            for key in dict.fromkeys(k for f in change.files if (k := _lesson_of(f))):
                index.setdefault(key, []).append(change)
        return index

    # -- queries ----------------------------------------------------------------------------

    def course(self, course_id: str) -> CourseHistory:
        found = self._courses.get(course_id)
        if found is not None:
            return found
        entry = self._by_course.get(course_id, _CourseIndex())
        every = [*entry.content, *(c for c in entry.reviews if c not in entry.content)]
        first = max(every, key=_order_key) if every else None  # the oldest: largest sort key
        reviewers: list[Person] = []
        for change in entry.reviews:
            reviewers += [p for p in entry.reviewers[change.sha] if p not in reviewers]
        found = self._courses[course_id] = CourseHistory(
            course_id=course_id,
            created=first.date if first else None,
            last_change=entry.content[0].date if entry.content else None,
            contributors=_rank(entry.content),
            changes=tuple(entry.content),
            reviews=tuple(entry.reviews),
            reviewers=tuple(reviewers),
            first=first,
        )
        return found

    def course_reviewers(self, course_id: str, change: Change) -> tuple[Person, ...]:
        """Who reviewed ``course_id`` in ``change`` (empty when it is not a review record)."""
        entry = self._by_course.get(course_id)
        return entry.reviewers.get(change.sha, ()) if entry else ()

    def lesson(self, course_id: str, lesson_id: str) -> LessonHistory:
        changes = self._by_lesson.get((course_id, lesson_id), [])
        return LessonHistory(
            course_id=course_id, lesson_id=lesson_id,
            created=changes[-1].date if changes else None,
            last_change=changes[0].date if changes else None,
            contributors=_rank(changes), changes=tuple(changes),
        )

    def course_ids(self) -> list[str]:
        """Every course id the history mentions (including deleted courses)."""
        return list(self._by_course)

    def contributions(self, since: dt.date | None = None,
                      course_ids: Iterable[str] | None = None) -> list[Contribution]:
        """Per person: courses authored, lessons improved, courses reviewed; only changes on or
        after ``since`` when given, only the courses in ``course_ids`` when given (e.g. the
        published ones). Sorted by courses authored, then lessons improved, then reviews."""
        wanted = set(course_ids) if course_ids is not None else None
        authored: dict[Person, dict[str, None]] = {}
        improved: dict[Person, dict[tuple[str, str], None]] = {}
        reviewed: dict[Person, dict[str, None]] = {}
        review_records: dict[Person, set[str]] = {}
        latest: dict[Person, dict[str, dt.date]] = {}  # person -> course -> last contribution
        shas: dict[Person, set[str]] = {}
        earliest: dict[Person, dt.date] = {}

        by_change: dict[int, dict[str, list[tuple[str, str]]]] = {}

        def lessons_of(change: Change, cid: str) -> list[tuple[str, str]]:
            """The lessons of course ``cid`` a change touched (each change's files are read
            once, not once per course: an import commit touches every course)."""
            found = by_change.get(id(change))
            if found is None:
                found = by_change[id(change)] = {}
                for f in change.files:
                    if k := _lesson_of(f):
                        found.setdefault(k[0], []).append(k)
            return found.get(cid, [])

        def note(p: Person, cid: str, change: Change) -> None:
            courses = latest.setdefault(p, {})
            courses[cid] = max(courses.get(cid, change.date), change.date)
            shas.setdefault(p, set()).add(change.sha)
            earliest[p] = min(earliest.get(p, change.date), change.date)

        for cid in self._by_course:
            if wanted is not None and cid not in wanted:
                continue
            ch = self.course(cid)
            for change in ch.changes:  # newest first
                if since is not None and change.date < since:
                    continue
                lessons = lessons_of(change, cid)
                for p in change.people:
                    note(p, cid, change)
                    if change is ch.first:
                        authored.setdefault(p, {})[cid] = None
                    else:
                        improved.setdefault(p, {}).update(dict.fromkeys(lessons))
            for change in ch.reviews:
                if since is not None and change.date < since:
                    continue
                for p in self.course_reviewers(cid, change):
                    note(p, cid, change)
                    reviewed.setdefault(p, {})[cid] = None
                    review_records.setdefault(p, set()).add(change.sha)
        people: list[Contribution] = []
        for p, courses in latest.items():
            people.append(Contribution(
                person=p,
                courses_authored=tuple(authored.get(p, ())),
                lessons_improved=tuple(improved.get(p, ())),
                courses_reviewed=tuple(reviewed.get(p, ())),
                courses=tuple(sorted(courses, key=lambda c: (-courses[c].toordinal(), c))),
                changes=len(shas[p]), first=earliest[p], last=max(courses.values()),
                reviews=len(review_records.get(p, ())),
            ))
        people.sort(key=lambda c: (-len(c.courses_authored), -len(c.lessons_improved),
                                   -len(c.courses_reviewed), -c.changes, c.person.name.lower()))
        return people


def _order_key(change: Change) -> tuple[int, float]:
    """Newest first: by time (when known), else by date."""
    when = change.when.timestamp() if change.when else 0.0
    return (-change.date.toordinal(), -when)


def _is_review_edit(course_id: str, stats: list[tuple[str, int | None, int | None]]) -> bool:
    """Within one course, only course.yml changed, by at most one line in and one line out."""
    if len(stats) != 1:
        return False
    path, added, deleted = stats[0]
    if path != f"courses/{course_id}/course.yml" or added is None or deleted is None:
        return False
    return added == 1 and deleted <= 1


# -- reading ----------------------------------------------------------------------------------


def _git(root: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return git.run(root, args, timeout=_TIMEOUT)


def _parse_contact(text: str) -> Person | None:
    m = _CONTACT.match(text)
    if not m:
        name = text.strip()
        found = _ADDRESS.search(name)  # "Eve <eve@x.org> (Acme)", "eve@x.org" and the like
        return Person(name, found.group(0).strip("<>") if found else "") if name else None
    return Person(m.group("name").strip() or m.group("email"), m.group("email"))


def _date(iso: str) -> tuple[dt.date, dt.datetime | None]:
    try:
        when = dt.datetime.fromisoformat(iso.strip())
    except ValueError:
        return dt.date(1970, 1, 1), None
    return when.date(), when


def parse_log(output: str, prefix: str = "") -> list[Change]:
    """Parse our ``git log -z --numstat`` output (see ``_FORMAT``). ``prefix`` is the course
    repository's folder inside the git repository (``git rev-parse --show-prefix``); paths are
    made relative to it and paths outside it are dropped."""
    changes: list[Change] = []
    for record in output.split(_SENTINEL):
        if not record:
            continue
        fields = record.split("\0", _HEADER_FIELDS)
        if len(fields) < _HEADER_FIELDS:
            continue
        sha, name, email, adate, cdate, subject, coauthored, reviewed_by = fields[:8]
        rest = fields[8] if len(fields) > _HEADER_FIELDS else ""
        stats: list[tuple[str, int | None, int | None]] = []
        for entry in rest.split("\0"):
            entry = entry.lstrip("\n")
            if not entry:
                continue
            parts = entry.split("\t", 2)
            if len(parts) != 3:
                continue
            added_s, deleted_s, path = parts
            if prefix:
                if not path.startswith(prefix):
                    continue
                path = path[len(prefix):]
            added = int(added_s) if added_s.isdigit() else None
            deleted = int(deleted_s) if deleted_s.isdigit() else None
            stats.append((path, added, deleted))
        date, when = _date(cdate)
        adate_d, _ = _date(adate)
        author = Person(name.strip(), email.strip())
        coauthors = [p for v in coauthored.split("\x1f") if (p := _parse_contact(v))]
        reviewers = [p for v in reviewed_by.split("\x1f") if (p := _parse_contact(v))]
        changes.append(Change(
            sha=sha, date=date, subject=without_addresses(subject.strip()), author=author,
            coauthors=tuple(coauthors), files=tuple(s[0] for s in stats), when=when,
            author_date=adate_d, reviewers=tuple(reviewers), stats=tuple(stats),
        ))
    return changes


def _check_mailmap(root: Path, people: Iterable[Person]) -> dict[Person, Person]:
    """Map trailer contacts through ``.mailmap`` with batched ``git check-mailmap`` calls."""
    contacts = [p for p in dict.fromkeys(people) if p.email and "\n" not in p.name + p.email]
    mapping: dict[Person, Person] = {}
    for start in range(0, len(contacts), _CHUNK):
        chunk = contacts[start:start + _CHUNK]
        proc = _git(root, ["check-mailmap", *(f"{p.name} <{p.email}>" for p in chunk)])
        if proc.returncode != 0:
            return mapping  # an odd contact: keep the trailers as written
        lines = proc.stdout.decode("utf-8", "replace").splitlines()
        for person, line in zip(chunk, lines, strict=False):
            mapped = _parse_contact(line)
            if mapped is not None:
                mapping[person] = mapped
    return mapping


def _canonical(changes: list[Change], mailmap: dict[Person, Person]) -> list[Change]:
    """Apply the co-author mailmap, drop bots, and make one Person per identity (the newest
    name and address spelling wins)."""
    names: dict[str, Person] = {}

    def canon(p: Person) -> Person:
        p = mailmap.get(p, p)
        return names.setdefault(p.key, p)

    out: list[Change] = []
    for c in changes:  # newest first, so the newest spelling is kept
        people = [canon(p) for p in (c.author, *c.coauthors) if not p.is_bot]
        people = [p for p in dict.fromkeys(people) if not p.is_bot]
        if not people:
            continue
        reviewers = tuple(dict.fromkeys(canon(p) for p in c.reviewers if not p.is_bot))
        out.append(Change(sha=c.sha, date=c.date, subject=c.subject, author=people[0],
                          coauthors=tuple(people[1:]), files=c.files, when=c.when,
                          author_date=c.author_date, reviewers=reviewers, stats=c.stats))
    return out


def read_history(repo: Repository | Path) -> History:
    """Read the whole history of the repository holding ``repo`` (see the module docs)."""
    root = repo.root if isinstance(repo, Repository) else Path(repo)
    if not git.available():
        return History.unavailable("git is not installed")
    try:
        probe = _git(root, ["rev-parse", "--is-shallow-repository", "--show-prefix"])
    except (OSError, subprocess.SubprocessError) as exc:
        return History.unavailable(f"cannot run git: {exc}")
    if probe.returncode != 0:
        message = probe.stderr.decode("utf-8", "replace").strip().splitlines()
        return History.unavailable(message[0] if message else "not a git repository")
    lines = probe.stdout.decode("utf-8", "replace").splitlines()
    shallow = bool(lines) and lines[0].strip() == "true"
    prefix = lines[1].strip() if len(lines) > 1 else ""
    args = ["log", "--no-merges", "--no-renames", "--use-mailmap", "--no-ext-diff",
            "--no-textconv", "-z", f"--format={_FORMAT}", "--numstat", "HEAD"]
    if prefix:
        args += ["--", "."]
    try:
        proc = _git(root, args)
    except (OSError, subprocess.SubprocessError) as exc:
        return History.unavailable(f"cannot run git log: {exc}")
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        if "does not have any commits" in err or "unknown revision" in err:
            return History((), shallow=shallow)  # a new repository: nothing committed yet
        return History.unavailable(err.splitlines()[0] if err else "git log failed")
    changes = parse_log(proc.stdout.decode("utf-8", "replace"), prefix)
    trailer_people = [p for c in changes for p in (*c.coauthors, *c.reviewers)]
    mailmap = _check_mailmap(root, trailer_people) if trailer_people else {}
    return History(_canonical(changes, mailmap), shallow=shallow)
