"""The learner-side runtime's messages in the page catalog (issue 10: every learner-visible
string goes through gettext).

The runtime's texts are in ``lmsctl/runtime/messages.js`` (English, the source language), and
their msgids in ``lmsctl/runtime/bundle/messages.json`` (written with the bundles by
``scripts/bundle-runtime.mjs``; a string, or ``[singular, plural]``). The catalog template
(``locale/lmsctl.pot``) holds them as it holds the templates' messages. At build time, the ones
the active catalog translates go into every page's configuration, where the runtime reads them
(``lmsctl/runtime/README.md``): ``messages`` maps a msgid to its translation, or a plural
message's singular msgid to its forms by plural index, and ``pluralForms`` gives the plural
index of n for n = 0..199 when the language's rule is not English's. An English build adds
nothing: the runtime's own text is English.
"""

from __future__ import annotations

import functools
import gettext
import json
from pathlib import Path
from typing import Any

from lmsctl.targets.site import i18n

MSGIDS = Path(__file__).resolve().parent.parent.parent / "runtime" / "bundle" / "messages.json"
#: The plural rule is given for n below this (above it, n takes the index of 100 + n % 100:
#: gettext's rules depend on n, n % 10 and n % 100 only).
PLURAL_SPAN = 200


@functools.cache
def msgids() -> tuple[str | tuple[str, str], ...]:
    """The runtime's messages: a msgid, or (singular, plural) msgids."""
    raw = json.loads(MSGIDS.read_text(encoding="utf-8"))
    return tuple(m if isinstance(m, str) else (m[0], m[1]) for m in raw)


def _plural_rule(catalog: gettext.NullTranslations) -> list[int]:
    rule = getattr(catalog, "plural", None)
    if not callable(rule):
        return [0 if n == 1 else 1 for n in range(PLURAL_SPAN)]
    return [int(rule(n)) for n in range(PLURAL_SPAN)]


def page_messages(catalog: gettext.NullTranslations | None = None) -> dict[str, Any]:
    """What the pages' configuration gets for ``catalog`` (default: the active one):
    ``{"messages": ..., "pluralForms"?: ...}``, or ``{}`` when it translates nothing."""
    catalog = catalog if catalog is not None else i18n.active()
    rule = _plural_rule(catalog)
    english = rule == [0 if n == 1 else 1 for n in range(PLURAL_SPAN)]
    # one n for each plural index, to ask the catalog for that form
    examples = {index: n for n, index in reversed(list(enumerate(rule)))}
    messages: dict[str, str | list[str]] = {}
    for msgid in msgids():
        if isinstance(msgid, str):
            text = catalog.gettext(msgid)
            if text != msgid:
                messages[msgid] = text
            continue
        singular, plural = msgid
        forms = [catalog.ngettext(singular, plural, examples[i]) for i in sorted(examples)]
        if any(form not in (singular, plural) for form in forms):  # else: not translated
            messages[singular] = forms
    if not messages:
        return {}
    out: dict[str, Any] = {"messages": messages}
    if not english:
        out["pluralForms"] = rule
    return out
