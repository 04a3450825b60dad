"""The one message catalog of the pages lmsctl writes, and the Jinja environment of their
templates.

Every learner-visible string lmsctl writes (templates under ``templates/``, and the few strings
Python builds: page titles, navigation, durations, dates, issue titles) goes through gettext.
English is the source language and the only one for now: with no translations installed the
messages are the English source text. ``lmsctl/targets/site/locale/lmsctl.pot`` is the catalog
template, extracted with Babel from the templates and the ``_()``/``ngettext()`` calls of the
site modules (``tests/test_i18n.py`` fails when it is out of date and says how to update it).

Templates are rendered with autoescape: author text (titles, summaries, quiz text, names) is
always escaped; only values marked safe by lmsctl (``markupsafe.Markup``, e.g. one template's
output placed into another) pass through.

Layout of a template is not output: a line break and the indentation that follows it are
removed from the template source before it is compiled (``Compact``), so templates can be
written readably while the pages keep the compact single-block HTML that Markdown passes
through untouched. A space that belongs to the output is written on the line itself.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import gettext as _gettext
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.ext
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CATALOG = Path(__file__).resolve().parent / "locale" / "lmsctl.pot"
DOMAIN = "lmsctl"
_LAYOUT = re.compile(r"\n[ \t]*")
#: ``_("...")`` with one string literal and nothing else.
_STATIC_MESSAGE = re.compile(r'(?<![\w.])_\(\s*("(?:[^"\\\n]|\\.)*")\s*\)')

ENGLISH = _gettext.NullTranslations()
_active: _gettext.NullTranslations = ENGLISH


def gettext(message: str, **variables: Any) -> str:
    """The message in the active language, with ``%(name)s`` placeholders filled in."""
    text = _active.gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """Singular or plural form for ``n`` (available as ``%(num)d``) in the active language."""
    text = _active.ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def active() -> _gettext.NullTranslations:
    """The catalog in use (``ENGLISH`` unless inside ``translations``)."""
    return _active


@contextlib.contextmanager
def translations(catalog: _gettext.NullTranslations | None) -> Iterator[None]:
    """Render with ``catalog`` (None: English, the source language) inside the block."""
    global _active
    previous = _active
    _active = catalog if catalog is not None else ENGLISH
    try:
        yield
    finally:
        _active = previous


class PseudoTranslations(_gettext.NullTranslations):
    """A pseudo-locale for tests: every message comes back wrapped in ``⟦…⟧``, so text that
    did not go through the catalog stands out in a built page."""

    OPEN, CLOSE = "⟦", "⟧"

    def gettext(self, message: str) -> str:
        return f"{self.OPEN}{message}{self.CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{self.OPEN}{msgid1 if n == 1 else msgid2}{self.CLOSE}"


class Compact(jinja2.ext.Extension):
    """Line breaks and the indentation after them are template layout, not output. And a
    message without placeholders, ``_("Check")``, is looked up once, when the template is
    compiled (each catalog has its own environment), not each time a page is rendered."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        catalog = self.environment.globals.get("lmsctl_catalog")
        if isinstance(catalog, _gettext.NullTranslations):
            source = _STATIC_MESSAGE.sub(
                lambda m: json.dumps(catalog.gettext(ast.literal_eval(m.group(1))) % {}),
                source)
        if name is not None and not name.endswith(".html.j2"):
            return source  # the Atom feed keeps one element a line
        return _LAYOUT.sub("", source)


def _jinja_gettext(message: str) -> str:
    return _active.gettext(message)


def _jinja_ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


# -- Formats that depend on the language ------------------------------------------------------

MONTHS = (
    lambda: _("January"), lambda: _("February"), lambda: _("March"), lambda: _("April"),
    lambda: _("May"), lambda: _("June"), lambda: _("July"), lambda: _("August"),
    lambda: _("September"), lambda: _("October"), lambda: _("November"),
    lambda: _("December"),
)


def date_words(day: dt.date) -> str:
    """``1 March 2026`` in the active language."""
    return _("%(day)d %(month)s %(year)d", day=day.day, month=MONTHS[day.month - 1](),
             year=day.year)


def minutes(total: int) -> str:
    """A duration in minutes as ``45 min``, ``1 h`` or ``1 h 30 min``."""
    if total < 60:
        return _("%(minutes)d min", minutes=total)
    hours, rest = divmod(total, 60)
    if rest:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
    return _("%(hours)d h", hours=hours)


def level_label(level: str) -> str:
    """The label of a course level (the levels are a fixed list, so they are translated)."""
    labels = {"beginner": _("Beginner"), "intermediate": _("Intermediate"),
              "advanced": _("Advanced")}
    return labels.get(level, level.capitalize())


# -- Small helpers the templates call ---------------------------------------------------------

#: Characters XML 1.0 cannot hold (control characters other than tab, newline, return), and
#: lone surrogates: dropped from names and commit subjects before they reach a page or feed.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    if isinstance(text, Markup):
        return Markup(_XML_BAD.sub("", str(text)))
    return _XML_BAD.sub("", text)


def question_keys(course: Any) -> str:
    """Every question of the course as ``lesson-id/question-key``, for progress scripts."""
    from lmsctl.checks.validate import question_keys as keys  # a stand-in's are kept

    return " ".join(f"{lesson.id}/{key}" for lesson in course.lessons for key in keys(lesson))


def correct_choices(question: Any) -> str:
    return " ".join(str(i) for i, c in enumerate(question.choices) if c.correct)


def github_profile(handle: str) -> str:
    """A GitHub user's profile, or a team's page for ``org/team``."""
    if "/" in handle:
        org, team = handle.split("/", 1)
        return f"https://github.com/orgs/{quote(org)}/teams/{quote(team)}"
    return f"https://github.com/{quote(handle)}"


#: GitHub handle (lower case, no "@") -> display name, for the build being rendered
#: (``display_names``): the ``people:`` map of lmsctl.yml over the git author names.
_names: dict[str, str] = {}


@contextlib.contextmanager
def display_names(names: dict[str, str]) -> Iterator[None]:
    """Show people by these names (handle -> name) inside the block."""
    global _names
    previous = _names
    _names = {k.lower(): v for k, v in names.items()}
    try:
        yield
    finally:
        _names = previous


def person_name(name: str, handle: str | None) -> str:
    """The name to show for a person of the history: ``people:`` wins, then the git name."""
    return _names.get(handle.lower(), name) if handle else name


def owner(text: str) -> dict[str, str]:
    """An owner as written in a course or path (``@jdoe``, ``@acme/team``, a plain name):
    ``name`` (the display name, "" when none is known), ``handle`` (``@jdoe``) and ``href``."""
    if not text.startswith("@") or len(text) < 2:
        return {"name": text, "handle": "", "href": ""}
    handle = text[1:]
    return {"name": _names.get(handle.lower(), ""), "handle": text,
            "href": github_profile(handle)}


_environments: dict[_gettext.NullTranslations, jinja2.Environment] = {}
#: where the page templates' compiled code is kept (``compiled_in``), or None
_bytecode: list[jinja2.BytecodeCache | None] = [None]


@contextlib.contextmanager
def compiled_in(cache: jinja2.BytecodeCache | None) -> Iterator[None]:
    """Within this block the page templates' compiled code is kept in ``cache`` (a build's
    ``template_cache.TemplateCache``; None: compiled in memory only)."""
    previous = _bytecode[0]
    _bytecode[0] = cache
    for env in _environments.values():
        env.bytecode_cache = cache
    try:
        yield
    finally:
        _bytecode[0] = previous
        for env in _environments.values():
            env.bytecode_cache = previous


def environment() -> jinja2.Environment:
    """The Jinja environment of the page templates for the active catalog (made once)."""
    env = _environments.get(_active)
    if env is None:
        if len(_environments) > 8:
            _environments.clear()
        env = _environments[_active] = _make_environment(_active)
    return env


def _make_environment(catalog: _gettext.NullTranslations) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        extensions=["jinja2.ext.i18n", Compact],
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates are package data: no stat() per page
        bytecode_cache=_bytecode[0],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _jinja_gettext, _jinja_ngettext, newstyle=True)
    env.globals["lmsctl_catalog"] = catalog
    env.globals.update(minutes=minutes, date_words=date_words, level_label=level_label,
                       question_keys=question_keys, correct=correct_choices,
                       github_profile=github_profile, person_name=person_name,
                       owner=owner)
    env.filters["clean"] = clean
    return env


def render(template: str, **context: Any) -> str:
    """The HTML of ``templates/<template>`` with ``context`` (autoescaped)."""
    return environment().get_template(template).render(**context)
