"""LMS6xx safety: raw HTML in lessons only from the allowlist of ``lmsctl.html_policy``.

Whatever these rules are set to, the built pages are sanitized with the same policy
(``html_policy.sanitize``), so no author can put script on the site; the rules tell the author
before the sanitizer silently removes something.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lmsctl.checks.rules.checks import CheckList, Context
from lmsctl.core import html_policy
from lmsctl.core.diagnostics import Diagnostic, Rule, Severity, diag_from
from lmsctl.core.document import LessonDocument
from lmsctl.core.model import Course, Lesson

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

E, W = Severity.ERROR, Severity.WARNING

#: Attributes that hold a URL (where ``javascript:`` and friends can hide).
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "action", "formaction", "srcset",
                            "xlink:href", "data", "background", "cite", "longdesc", "ping",
                            "manifest", "codebase", "lowsrc", "dynsrc"})
#: Attributes consumed while the page is built, never reaching the browser.
BUILD_ATTRIBUTES = frozenset({"markdown"})
_SPACE_AND_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

for _rule in [
    Rule("LMS601", E, "Forbidden HTML element",
         "Lessons may not contain elements that run code or pull in other documents: script, "
         "style, iframe, object, embed, form (and frame, applet, base, link, meta, noscript, "
         "template). The site removes them anyway; this rule tells you before a reviewer "
         "has to.",
         "<iframe src=\"https://video.example.com/embed/123\"></iframe>",
         "[Watch the demo on the video platform](https://video.example.com/v/123)",
         "Remove the element: link to the page instead of embedding it; styling comes from "
         "the site's theme.", "lint"),
    Rule("LMS602", W, "HTML element not on the allowlist",
         "Only the elements listed in lmsctl/core/html_policy.py survive on the site; others are "
         "removed when the page is built, so what you see in a Markdown preview is not what "
         "learners get.",
         "<marquee>New!</marquee>", "**New!**",
         "Use Markdown (or an allowed element) for the same effect.", "lint"),
    Rule("LMS603", E, "Event handler attribute",
         "Attributes such as onclick or onerror run JavaScript; they are never allowed.",
         "<img src=\"../assets/a.png\" alt=\"A\" onerror=\"alert(1)\">",
         "<img src=\"../assets/a.png\" alt=\"A\">",
         "Remove the on... attribute.", "lint"),
    Rule("LMS604", E, "Dangerous URL scheme",
         "javascript: and vbscript: URLs run code when clicked; data: URLs can carry whole "
         "pages. Only images may be inline data: (PNG, JPEG, GIF or WebP).",
         "[Open](javascript:alert(1))", "[Open the guide](../../sales-basics/)",
         "Link to a page (http, https, mailto or a relative path) instead.", "lint"),
    Rule("LMS605", W, "HTML attribute not on the allowlist",
         "Attributes that are not in lmsctl/core/html_policy.py (such as style) are removed when "
         "the page is built.",
         "<span style=\"color: red\">Important</span>", "**Important**",
         "Remove the attribute; use Markdown emphasis or an admonition (!!! warning) for "
         "emphasis.", "lint"),
    Rule("LMS606", E, "Media loaded from another host",
         "The learning site loads nothing from the internet: an image, video or audio file "
         "served by another host would be fetched by every learner's browser (a privacy leak, "
         "and broken offline), so the site removes it. Links to other sites are fine: a click "
         "is the learner's choice.",
         "![Funnel](https://cdn.example.com/funnel.png)",
         "![Funnel](../assets/funnel.png)",
         "Download the file into this course's assets/ folder and link to it as "
         "../assets/<file>; for a long video, link to it on the video platform instead.",
         "lint"),
]:
    RULES.append(_rule)


def dangerous_url(value: str, image: bool) -> str | None:
    """The scheme that makes ``value`` dangerous, or None. Browsers ignore spaces and control
    characters inside a scheme, and entities are already decoded."""
    url = _SPACE_AND_CONTROL.sub("", value).lower()
    if url.startswith("javascript:"):
        return "javascript:"
    if url.startswith("vbscript:"):
        return "vbscript:"
    if url.startswith("data:"):
        if image and url.startswith(html_policy.IMAGE_DATA_PREFIXES):
            return None
        return "data:"
    return None


@CHECKS.own_lesson
def html(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
         ) -> Iterator[Diagnostic]:
    rel = lesson.rel
    for tag in view.tags:
        if tag.closing:
            continue
        name = tag.name
        if name in html_policy.FORBIDDEN_TAGS:
            yield diag("LMS601", rel, tag.line, tag.column,
                       f"<{name}> is not allowed in lessons and is removed from the page")
            continue
        if name not in html_policy.ALLOWED_TAGS:
            yield diag("LMS602", rel, tag.line, tag.column,
                       f"<{name}> is not on the HTML allowlist and is removed from the page")
        allowed = html_policy.GLOBAL_ATTRIBUTES | html_policy.TAG_ATTRIBUTES.get(name,
                                                                              frozenset())
        for attr, value in tag.attrs:
            if attr.startswith("on"):
                yield diag("LMS603", rel, tag.line, tag.column,
                           f"<{name}> has the event handler attribute {attr}=")
                continue
            if attr in URL_ATTRIBUTES and value:
                image = name in ("img", "source") and attr in ("src", "srcset")
                scheme = dangerous_url(value, image)
                if scheme is not None:
                    yield diag("LMS604", rel, tag.line, tag.column,
                               f"<{name} {attr}=...> uses a {scheme} URL")
                    continue
                if attr in html_policy.EMBED_ATTRIBUTES and any(
                        html_policy.is_remote(part.split()[0])
                        for part in value.split(",") if part.strip()):
                    yield diag("LMS606", rel, tag.line, tag.column,
                               f"<{name} {attr}=...> loads a file from another host; the "
                               "site removes it")
                    continue
            if attr not in allowed and attr not in BUILD_ATTRIBUTES:
                yield diag("LMS605", rel, tag.line, tag.column,
                           f"attribute {attr}= on <{name}> is not allowed and is removed from "
                           "the page")
    for link in view.links:
        scheme = dangerous_url(link.url, link.image)
        if scheme is not None:
            what = "image" if link.image else "link"
            yield diag("LMS604", rel, link.line, link.column,
                       f"{what} uses a {scheme} URL")
        elif link.image and html_policy.is_remote(view.target(link)):
            yield diag("LMS606", rel, link.line, link.column,
                       f"image '{view.target(link)}' is loaded from another host; the site "
                       "removes it")
