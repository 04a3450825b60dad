"""The ``analytics:`` settings of lmsctl.yml that analytics reads (DESIGN sections 8 and 9).

    analytics:
      xapi: {endpoint: https://lrs.example.org/xAPI/, auth: <write-only key>}
      activity_base: https://learn.example.org/     # default: site.url
      min_learners: 5                               # figures over fewer learners are withheld
      insights:                                     # thresholds of the LMS9xx rules
        facility_low: 0.2
        facility_high: 0.95
        item_learners: 30
        dropoff: 0.3
        reaction_low: 50
        reaction_ratings: 10

The activity base and ``min_learners`` come from the model (``Config.analytics``); the
thresholds are read from the document (already schema-checked by validate): a wrong value falls
back to its default here and validate reports it at its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lmsctl.core.model import Repository

DEFAULT_MIN_LEARNERS = 5


@dataclass(frozen=True)
class Thresholds:
    """When a figure becomes a finding (rules LMS901-LMS906)."""

    facility_low: float = 0.2  # LMS901: facility below this ...
    facility_high: float = 0.95  # LMS902: ... or above this ...
    item_learners: int = 30  # ... over at least this many learners (also LMS903, LMS904)
    dropoff: float = 0.3  # LMS905: more than this share of learners stop after a lesson
    reaction_low: float = 50  # LMS906: reaction score below this ...
    reaction_ratings: int = 10  # ... over at least this many ratings


@dataclass(frozen=True)
class AnalyticsSettings:
    activity_base: str = ""
    min_learners: int = DEFAULT_MIN_LEARNERS
    thresholds: Thresholds = field(default_factory=Thresholds)
    configured: bool = False  # lmsctl.yml has an analytics: section


def _number(raw: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if low <= value <= high else default


def read_settings(repo: Repository) -> AnalyticsSettings:
    doc = repo.config.doc
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    raw = data.get("analytics")
    configured = isinstance(raw, dict)
    section: dict[str, Any] = raw if isinstance(raw, dict) else {}
    base = repo.config.activity_base  # analytics.activity_base, else site.url; ends in /
    min_learners = repo.config.analytics.min_learners or DEFAULT_MIN_LEARNERS
    ins = section.get("insights")
    ins = ins if isinstance(ins, dict) else {}
    d = Thresholds()
    thresholds = Thresholds(
        facility_low=_number(ins, "facility_low", d.facility_low, 0, 1),
        facility_high=_number(ins, "facility_high", d.facility_high, 0, 1),
        item_learners=int(_number(ins, "item_learners", d.item_learners, 1, 1_000_000)),
        dropoff=_number(ins, "dropoff", d.dropoff, 0, 1),
        reaction_low=_number(ins, "reaction_low", d.reaction_low, -100, 100),
        reaction_ratings=int(_number(ins, "reaction_ratings", d.reaction_ratings, 1, 1_000_000)),
    )
    return AnalyticsSettings(base, min_learners, thresholds, configured)
