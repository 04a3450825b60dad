"""Reading the site's split search index back (``lmsctl.targets.site.learner_search``), for
tests: every document a scope holds and every term's documents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Index:
    docs: list[list[str]]  # [location, title, page title or "", course title, excerpt]
    terms: dict[str, list[tuple[int, bool]]]  # term -> [(document, in its title)]

    def locations(self) -> set[str]:
        """Every page (location without its anchor) that has a document."""
        return {d[0].split("#")[0] for d in self.docs}

    def find(self, word: str) -> list[list[str]]:
        """The documents holding ``word``."""
        return [self.docs[i] for i, _ in self.terms.get(word, [])]


def read_index(site: Path, scope: str = "learn") -> Index:
    """Every document of ``scope`` (the groups' documents one after the other, as the site's
    script numbers them) and every term's documents."""
    root = site / "search" / scope
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    docs: list[list[str]] = []
    terms: dict[str, list[tuple[int, bool]]] = {}
    for g, group in enumerate(meta["groups"]):
        offset = len(docs)
        for k in range(len(group["chunks"])):
            docs += json.loads((root / f"{g}/d/{k}.json").read_text(encoding="utf-8"))
        assert len(docs) - offset == group["docs"]
        for k in range(len(group["terms"])):
            for term, ids in json.loads((root / f"{g}/t/{k}.json").read_text("utf-8")).items():
                values = [int(x, 36) for x in ids.split(",")]
                terms.setdefault(term, []).extend(
                    (offset + (v >> 1), bool(v & 1)) for v in values)
    assert len(docs) == meta["docs"]
    return Index(docs, terms)
