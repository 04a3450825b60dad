"""Search index entries for lesson pages, in the format of mkdocs-material's search index.

Material's search plugin splits every page into sections with Python's ``html.parser``, which
costs about as much as rendering the page's template. Lesson HTML has just been normalized by
the sanitizer (``nh3``: double-quoted attributes, balanced tags), so a few regular expressions
split it the same way at a fraction of the cost. The entries are what Material's plugin would
write: one per section (``location`` with the heading's anchor, ``title``, ``text`` keeping only
``p``, ``code``, ``pre``, ``li``, ``ol``, ``ul``, ``sub`` and ``sup`` tags); elements marked
``data-search-exclude`` are left out. lmsctl's search (``learner_search``) takes the texts
without tags.
"""

from __future__ import annotations

import re
from html import unescape

_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.DOTALL)
_ID = re.compile(r'\sid="([^"]*)"')
_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_EMPTY = re.compile(r"<(p|code|pre|li|ol|ul|sub|sup)>\s*</\1>")
_SPACE = re.compile(r"\s+")
KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})


def _text(fragment: str, plain: bool) -> str:
    fragment = _HEADERLINK.sub("", fragment)

    if plain:
        return _SPACE.sub(" ", unescape(_TAG.sub(" ", fragment))).strip()

    def tag(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        return f"<{m.group(1)}{name}>" if name in KEEP else ""

    text = _TAG.sub(tag, fragment)
    previous = None
    while previous != text:
        previous, text = text, _EMPTY.sub("", text)
    return _SPACE.sub(" ", text).strip()


def entries(html: str, url: str, title: str, plain: bool = False) -> list[dict[str, str]]:
    """The sections of a page's content: the part before the first heading (titled with the
    page title), then one per heading that has an id. ``plain``: texts without any tag (each
    tag read as a space)."""
    out: list[dict[str, str]] = []
    if _TAG.search(html) is None:
        return out  # no element at all: Material's parser makes no section either
    start = 0
    location, section_title = url, title
    for m in _HEADING.finditer(html):
        ident = _ID.search(m.group(2))
        if ident is None:
            continue
        out.append({"location": location, "title": section_title,
                    "text": _text(html[start:m.start()], plain)})
        location = f"{url}#{ident.group(1)}"
        section_title = _SPACE.sub(" ", _TAG.sub("", _HEADERLINK.sub("", m.group(3)))).strip()
        start = m.end()
    out.append({"location": location, "title": section_title, "text": _text(html[start:], plain)})
    return out
