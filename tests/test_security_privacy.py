"""Security (#17), privacy: no e-mail address reaches the built site or the feed, whatever the
git history holds (odd trailers, names that are addresses, .mailmap, subjects)."""

from __future__ import annotations

import re
from pathlib import Path

from lmsctl.core.history import ANONYMOUS, Person, _parse_contact, public_name
from tests.conftest import minimal_files
from tests.gitrepo import ANN, GitRepo
from tests.site_support import build

ADDRESS = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

TRAILERS = [
    "Eve <eve.one@leak.example>",
    "eve.two@leak.example",
    "<eve.three@leak.example>",
    "Eve Four <eve.four@leak.example> (Acme)",
    "Eve Five eve.five@leak.example",
    "Eve Six <eve.six@leak.example",
    '"Eve Seven" <eve.seven+tag@leak.example>',
    "Mallory <eve.eight@leak.example>, Bob <eve.nine@leak.example>",
    "Eve Ten (eve.ten@leak.example) <ten@leak.example>",
]


def test_public_names_never_hold_an_address() -> None:
    for text in TRAILERS:
        person = _parse_contact(text)
        assert person is not None and "@leak.example" not in person.name, (text, person)
    assert public_name("Ann Author") == "Ann Author"
    assert Person("ann@example.org", "ann@example.org").name == ANONYMOUS
    assert Person("", "123+ann@users.noreply.github.com").name == "ann"


def test_no_address_in_any_built_file(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", minimal_files())
    repo.commit("Add sales basics", date="2024-01-10", author=ANN,
                trailers=[("Co-authored-by", t) for t in TRAILERS])
    repo.write({".mailmap": "Mapped <mapped@leak.example> <eve.one@leak.example>\n"
                            "mailmapped@leak.example <ann@example.org>\n"})
    repo.append("courses/sales-basics/lessons/01-discovery-questions.md", "\nMore.\n")
    repo.commit("Thanks to eve.subject@leak.example for the fix <x@leak.example>",
                date="2024-02-01", author=("author.as.name@leak.example", "a2@leak.example"),
                trailers=[("Reviewed-by", "rev@leak.example"),
                          ("Co-authored-by", "Zed <zed@leak.example>")])
    out = tmp_path / "site"
    build(repo.root, out)
    assert (out / "feed.xml").is_file() and (out / "contributors" / "index.html").is_file()
    contributors = (out / "contributors" / "index.html").read_text("utf-8")
    assert "Eve Four" in contributors and "Zed" in contributors  # people are still credited
    for path in out.rglob("*"):
        if not path.is_file() or path.suffix not in (".html", ".xml", ".json", ".txt", ".js"):
            continue
        text = path.read_text("utf-8", errors="replace")
        assert "leak.example" not in text and "ann@example.org" not in text, path
        if path.suffix in (".html", ".xml", ".json"):
            assert not ADDRESS.findall(text), (path, ADDRESS.findall(text)[:3])
