"""Every lint rule module, imported once so that the registry (``lmsctl.rules.RULES``) and the
check lists (``lmsctl.rules.checks``) are complete. ``lmsctl.rules.all_rules()`` imports this."""

from __future__ import annotations

from lmsctl.rules import (  # noqa: F401  (imported for their registrations)
    accessibility,
    content,
    freshness,
    governance,
    quiz,
    safety,
)
