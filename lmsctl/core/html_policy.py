"""The one HTML policy: what raw HTML authors may write (checked by the safety lint rules) and
what the built pages keep (enforced by ``sanitize`` with nh3, whatever the rule settings)."""

from __future__ import annotations

import re

import nh3

#: Elements authors may write as raw HTML in lessons (beside what Markdown itself produces).
ALLOWED_TAGS: frozenset[str] = frozenset(
    set(nh3.ALLOWED_TAGS)
    | {"video", "audio", "source", "track", "picture", "figure", "figcaption", "details",
       "summary", "kbd", "input", "label", "fieldset", "legend", "button", "section", "svg",
       "path", "rect", "circle", "line", "polyline", "polygon", "g", "text", "title", "desc",
       "output"}
)
#: Never allowed, however configured: they run code or pull in other documents.
FORBIDDEN_TAGS: frozenset[str] = frozenset(
    {"script", "style", "iframe", "object", "embed", "form", "frame", "frameset", "applet",
     "base", "link", "meta", "noscript", "template"}
)
#: Attributes allowed on every element (``on*`` handlers never are).
GLOBAL_ATTRIBUTES: frozenset[str] = frozenset(
    {"id", "class", "title", "lang", "dir", "role", "tabindex", "hidden", "aria-label",
     "aria-labelledby", "aria-describedby", "aria-hidden", "aria-live", "aria-current",
     "aria-expanded", "aria-controls", "aria-valuenow", "aria-valuemin", "aria-valuemax",
     "data-lmsctl-question", "data-lmsctl-check", "data-lmsctl-result", "data-lmsctl-stale",
     "data-lmsctl-course", "data-lmsctl-lesson", "data-lmsctl-key", "data-lmsctl-choice",
     "data-lmsctl-correct", "data-lmsctl-multiple", "data-lmsctl-progress", "data-lmsctl-path",
     "data-lmsctl-courses", "data-lmsctl-questions", "data-lmsctl-pass-mark",
     "data-lmsctl-filter", "data-lmsctl-card", "data-lmsctl-skills", "data-lmsctl-level",
     "data-lmsctl-audience", "data-lmsctl-duration", "data-lmsctl-feedback",
     "data-lmsctl-explanation", "data-lmsctl-optional", "data-lmsctl-status",
     "data-lmsctl-lessons", "data-md-color-scheme"}
)
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "target"}),
    "img": frozenset({"src", "alt", "width", "height", "loading", "align"}),
    "video": frozenset({"src", "controls", "width", "height", "poster", "preload", "muted",
                        "loop", "playsinline"}),
    "audio": frozenset({"src", "controls", "preload"}),
    "source": frozenset({"src", "type", "srcset", "media"}),
    "track": frozenset({"src", "kind", "srclang", "label", "default"}),
    "input": frozenset({"type", "name", "value", "checked", "disabled"}),
    "label": frozenset({"for"}),
    "button": frozenset({"type", "disabled"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "ol": frozenset({"start", "type"}),
    "time": frozenset({"datetime"}),
    "svg": frozenset({"viewbox", "width", "height", "xmlns", "fill", "stroke", "focusable"}),
    "path": frozenset({"d", "fill", "stroke", "stroke-width"}),
    "rect": frozenset({"x", "y", "width", "height", "rx", "fill", "stroke"}),
    "circle": frozenset({"cx", "cy", "r", "fill", "stroke"}),
    "code": frozenset({"class"}),
    "span": frozenset({"class"}),
    "div": frozenset({"class", "data-tabs"}),
    "details": frozenset({"open"}),
}
#: Attribute values that must have a form (mkdocs-material's tab script reads ``data-tabs``
#: as "set:count").
ATTRIBUTE_VALUES: dict[tuple[str, str], re.Pattern[str]] = {
    ("div", "data-tabs"): re.compile(r"[0-9]{1,6}:[0-9]{1,6}\Z"),
    ("details", "open"): re.compile(r"(open)?\Z"),
}
#: URL schemes allowed in href/src. ``data:`` only for images (checked by the lint rule).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
IMAGE_DATA_PREFIXES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


def _attributes() -> dict[str, set[str]]:
    attrs: dict[str, set[str]] = {"*": set(GLOBAL_ATTRIBUTES)}
    for tag, names in TAG_ATTRIBUTES.items():
        attrs[tag] = set(names)
    return attrs


#: Attributes from which a browser loads something by itself (not on a click).
EMBED_ATTRIBUTES = frozenset({"src", "srcset", "poster"})


def is_remote(url: str) -> bool:
    """True for a URL that another host serves (``https://...``, ``//host/...``)."""
    value = url.strip().lower()
    return value.startswith(("http:", "https:", "//", "ftp:"))


def _no_remote_embeds(tag: str, attribute: str, value: str) -> str | None:
    form = ATTRIBUTE_VALUES.get((tag, attribute))
    if form is not None:
        return value if form.match(value) else None
    if attribute in EMBED_ATTRIBUTES and any(is_remote(part.split()[0]) for part in
                                             value.split(",") if part.strip()):
        return None  # the site never makes a learner's browser fetch from another host
    return value


def sanitize(html: str) -> str:
    """Author HTML as the site may show it: allowlisted elements and attributes only, no
    scripts, no event handlers, no ``javascript:``/``vbscript:`` URLs, and no media loaded from
    other hosts (links to them stay: a click is the learner's choice)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(FORBIDDEN_TAGS),
        attributes=_attributes(),
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        attribute_filter=_no_remote_embeds,
    )
