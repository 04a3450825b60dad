"""The git log parser, with generated input: what git prints is what we read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.core.history import Person, parse_log, read_history
from tests.conftest import minimal_files
from tests.gitrepo import GitRepo

# what git allows in a one-line subject / name / path (no NUL, no newline)
line_text = st.text(st.characters(blacklist_categories=("Cs",),
                                  blacklist_characters="\x00\n\r\x1e\x1d\x1f"),
                    min_size=1, max_size=40).map(str.strip).filter(bool)
name_text = line_text.filter(lambda s: "<" not in s and ">" not in s)
email = st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.org", fullmatch=True)
path_text = st.lists(st.text(st.characters(blacklist_categories=("Cs",),
                                           blacklist_characters="\x00/\n\r\t\x1e"),
                             min_size=1, max_size=12), min_size=1, max_size=4).map("/".join)


@st.composite
def records(draw: st.DrawFn) -> dict[str, object]:
    return {
        "sha": draw(st.from_regex(r"[0-9a-f]{40}", fullmatch=True)),
        "name": draw(name_text),
        "email": draw(email),
        "date": draw(st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))),
        "subject": draw(line_text),
        "coauthors": draw(st.lists(st.tuples(name_text, email), max_size=3)),
        "files": draw(st.lists(st.tuples(path_text, st.one_of(st.none(), st.integers(0, 99)),
                                         st.integers(0, 99)), max_size=5)),
    }


def render(rec: dict[str, object]) -> str:
    """Our ``git log -z --numstat`` format, as git prints it."""
    date = rec["date"]
    assert isinstance(date, dt.date)
    co = "\x1f".join(f"{n} <{e}>" for n, e in rec["coauthors"])  # type: ignore[attr-defined]
    head = (f"\x1eLMSCTL\x1d{rec['sha']}\0{rec['name']}\0{rec['email']}\0"
            f"{date.isoformat()}T10:00:00+02:00\0{date.isoformat()}T11:00:00+02:00\0"
            f"{rec['subject']}\0{co}\0\0")
    stats = "".join(f"{'-' if a is None else a}\t{'-' if a is None else d}\t{p}\0"
                    for p, a, d in rec["files"])  # type: ignore[attr-defined]
    return head + ("\0\n" + stats if stats else "\0")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(records(), max_size=6))
def test_parse_log_reads_back_what_git_prints(recs: list[dict[str, object]]) -> None:
    changes = parse_log("".join(render(r) for r in recs))
    assert len(changes) == len(recs)
    for change, rec in zip(changes, recs, strict=True):
        assert change.sha == rec["sha"]
        assert change.author == Person(str(rec["name"]), str(rec["email"]))
        assert change.date == rec["date"]
        assert change.subject == rec["subject"]
        assert [(p.name, p.email) for p in change.coauthors] == [
            (n.strip(), e) for n, e in rec["coauthors"]]  # type: ignore[attr-defined]
        assert change.files == tuple(p for p, _, _ in rec["files"])  # type: ignore[attr-defined]


def test_parse_log_with_prefix_keeps_only_the_subfolder() -> None:
    rec = {"sha": "a" * 40, "name": "Ann", "email": "a@x.org", "date": dt.date(2024, 1, 1),
           "subject": "s", "coauthors": [],
           "files": [("learn/courses/a/course.yml", 1, 0), ("app/x.py", 1, 0)]}
    change = parse_log(render(rec), prefix="learn/")[0]
    assert change.files == ("courses/a/course.yml",)


# printable text git keeps as it is (git trims "crud" such as dots and quotes around names)
real_subject = st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")),
                       min_size=1, max_size=60).map(str.strip).filter(bool)
real_name = st.from_regex(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 &'\"-]{0,20}[A-Za-zÀ-ÿ0-9]",
                          fullmatch=True)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=real_subject, name=real_name)
def test_real_git_round_trip(tmp_path_factory: object, subject: str, name: str) -> None:
    base = tmp_path_factory.mktemp("rt")  # type: ignore[attr-defined]
    r = GitRepo.init(Path(base) / "r", minimal_files())
    r.commit(subject, date="2024-01-01", author=(name, "x@example.org"),
             coauthors=[(name + " Jr", "y@example.org")])
    change = read_history(r.root).changes[0]
    assert change.subject == subject
    assert change.author == Person(name, "x@example.org")
    assert change.coauthors == (Person(name + " Jr", "y@example.org"),)
