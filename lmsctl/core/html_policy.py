"""The one HTML policy: what raw HTML authors may write (checked by the safety lint rules) and
what the built pages keep (enforced by ``sanitize`` with nh3, whatever the rule settings).

``sanitize`` is the last step for everything an author wrote that reaches a page, the search
index or an export. Beyond the allowlist it enforces:

- URLs are read as browsers read them (the WHATWG URL parser strips tabs and newlines and
  leading or trailing control characters, so ``h&#9;ttp:`` is ``http:``), in every
  URL-bearing attribute (``href``, ``src``, ``srcset``, ``poster``, ``xlink:href``,
  ``action``, ``cite``, ``data``, ``background``...), and no media is loaded from another
  host; presentation attributes (SVG ``fill``, ``stroke``) hold no CSS ``url()``;
- ids and names are slugs (``safe_id``) and never one the theme or the runtime reads
  (``__config`` and the like, ``lmsctl-*``, ``md-*``): any other value is turned into a slug,
  the same way wherever it is referred to (``for``, ``aria-*``, ``href="#..."``);
- the runtime trusts only markup lmsctl generated: ``data-lmsctl-*``, ``data-md-*``
  attributes and ``lmsctl-*`` classes are removed from author HTML. lmsctl's own widgets
  (quizzes) are put into the page after this step, into slots marked with a per-build nonce
  that authors cannot know (``fill_slots``); nothing rewrites author HTML after it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

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
#: Attributes allowed on every element (``on*`` handlers never are). No ``data-lmsctl-*`` nor
#: ``data-md-*``: the runtime and the theme act on those, so only lmsctl writes them.
GLOBAL_ATTRIBUTES: frozenset[str] = frozenset(
    {"id", "class", "title", "lang", "dir", "role", "tabindex", "hidden", "aria-label",
     "aria-labelledby", "aria-describedby", "aria-hidden", "aria-live", "aria-current",
     "aria-expanded", "aria-controls", "aria-valuenow", "aria-valuemin", "aria-valuemax"}
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
#: URL schemes allowed in links. ``data:`` only for images (checked by the lint rule).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
IMAGE_DATA_PREFIXES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")

#: Attributes whose value is a URL (or, for ``srcset``, a list of them), in HTML and SVG.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "poster", "action", "formaction", "xlink:href", "data", "cite",
     "background", "longdesc", "manifest", "ping", "codebase", "archive", "profile",
     "usemap", "icon", "lowsrc", "dynsrc", "imagesrcset", "itemtype", "attributionsrc"})
#: Attributes from which a browser loads something by itself (not on a click).
EMBED_ATTRIBUTES = URL_ATTRIBUTES - {"href", "cite", "action", "formaction", "itemtype"}
#: Attributes that hold CSS values (where ``url(...)`` would load a resource).
STYLE_VALUE_ATTRIBUTES = frozenset(
    {"style", "fill", "stroke", "filter", "mask", "clip-path", "marker-start", "marker-mid",
     "marker-end", "cursor", "color", "stop-color", "flood-color", "lighting-color"})
#: Attributes whose value is one id, or a space-separated list of ids.
ID_ATTRIBUTES = frozenset({"id", "name", "for"})
ID_LIST_ATTRIBUTES = frozenset({"aria-labelledby", "aria-describedby", "aria-controls"})

#: An id authors may keep as written: a lowercase slug (what the Markdown extensions make:
#: headings ``summary_1``, footnotes ``fn:1``).
SAFE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_.:-]*[a-z0-9])?$")
#: Ids and names the theme (Material: ``__config``, ``__search``, ``__drawer``...) or the
#: runtime (``lmsctl-*``) reads; an author's id never takes one of these shapes.
RESERVED_ID_PREFIXES = ("__", "lmsctl", "md-", "md_", "user-content-")
#: The one reserved shape kept: the radio buttons of content tabs the reader renders
#: (``__tabbed_1_2``, named ``__tabbed_1``), which Material's tab script and ``#__tabbed_1_2``
#: links select; they load nothing and configure nothing.
TAB_ID = re.compile(r"__tabbed_[0-9]{1,6}(?:_[0-9]{1,6})?\Z")
_ID_JUNK = re.compile(r"[^a-z0-9_.:]+")

#: Characters the WHATWG URL parser strips from both ends, and those it removes anywhere.
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = {9: None, 10: None, 13: None}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CSS_URL = re.compile(r"url\s*\(|image\s*\(|image-set\s*\(|\\|/\*|expression", re.IGNORECASE)
_PAINT = re.compile(r"^[#a-zA-Z0-9(),.%\s-]*$")


def normalize_url(url: str) -> str:
    """``url`` as a browser's URL parser sees it before parsing: leading and trailing C0
    control characters and spaces stripped, ASCII tabs and newlines removed anywhere."""
    return url.strip(_C0_AND_SPACE).translate(_TAB_NEWLINE)


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` (lowercase) as a browser reads it, or None for a relative URL."""
    m = _SCHEME.match(normalize_url(url))
    return m.group(1).lower() if m else None


def is_remote(url: str) -> bool:
    """True for a URL that another host serves (``https://...``, ``//host/...``, ``\\\\host``,
    ``h&#9;ttp://...``): anything with a scheme other than ``data:`` and ``blob:``, or
    starting with two slashes (browsers read a backslash as a slash)."""
    value = normalize_url(url)
    if value[:2].replace("\\", "/") == "//":
        return True
    scheme = url_scheme(value)
    return scheme is not None and scheme not in ("data", "blob", "mailto", "tel", "about")


def safe_id(value: str) -> str:
    """An author's id (or name) as the site writes it: unchanged when it is a safe slug, else a
    slug made from it the same way every time (so ``for``, ``href="#..."`` still match)."""
    if (SAFE_ID.match(value) and not value.startswith(RESERVED_ID_PREFIXES)) or \
            TAB_ID.match(value):
        return value
    slug = _ID_JUNK.sub("-", value.lower()).strip("-_.:")
    slug = re.sub(r"-{2,}", "-", slug)
    if not slug:
        return "id"
    if not SAFE_ID.match(slug) or slug.startswith(RESERVED_ID_PREFIXES) or value.startswith("_"):
        slug = "u-" + slug.lstrip("_")
    return slug


def _srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()]


def _url_ok(attribute: str, value: str, allow_data_images: bool) -> bool:
    urls = _srcset_urls(value) if attribute.endswith("srcset") else [value]
    for url in urls:
        scheme = url_scheme(url)
        if attribute in EMBED_ATTRIBUTES:
            if is_remote(url):
                return False
            if scheme == "data" and not (
                    allow_data_images
                    and normalize_url(url).lower().startswith(IMAGE_DATA_PREFIXES)):
                return False
            if scheme is not None and scheme != "data":
                return False
        elif scheme is not None and scheme not in URL_SCHEMES:
            return False
    return True


def _filter(tag: str, attribute: str, value: str) -> str | None:
    attribute = attribute.lower()
    form = ATTRIBUTE_VALUES.get((tag, attribute))
    if form is not None:
        return value if form.match(value) else None
    if attribute.startswith(("data-lmsctl", "data-md")) or attribute.startswith("on"):
        return None
    if attribute in URL_ATTRIBUTES:
        if not _url_ok(attribute, value, allow_data_images=False):
            return None
        url = normalize_url(value)
        if attribute == "href" and url.startswith("#"):
            return "#" + safe_id(unquote(url[1:])) if len(url) > 1 else url
        return url
    if attribute in STYLE_VALUE_ATTRIBUTES:
        if _CSS_URL.search(value) or not _PAINT.match(value):
            return None
        return value
    if attribute in ID_ATTRIBUTES:
        return safe_id(value)
    if attribute in ID_LIST_ATTRIBUTES:
        return " ".join(safe_id(v) for v in value.split())
    if attribute == "class":
        kept = [c for c in value.split()  # Material fetches Mermaid from a CDN for .mermaid
                if not c.lower().startswith(("lmsctl", "md-")) and c.lower() != "mermaid"]
        return " ".join(kept) if kept else None
    return value


def _attributes() -> dict[str, set[str]]:
    attrs: dict[str, set[str]] = {"*": set(GLOBAL_ATTRIBUTES)}
    for tag, names in TAG_ATTRIBUTES.items():
        attrs[tag] = set(names)
    return attrs


def sanitize(html: str) -> str:
    """Author HTML as the site may show it: allowlisted elements and attributes only, no
    scripts, no event handlers, no ``javascript:``/``vbscript:`` URLs (however written), no
    media loaded from other hosts (links to them stay: a click is the learner's choice), ids
    that are slugs, and no markup the theme or the runtime acts on."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(FORBIDDEN_TAGS),
        attributes=_attributes(),
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        attribute_filter=_filter,
    )


def text_only(html: str) -> str:
    """Markup reduced to its escaped text (for the table of contents and titles)."""
    return nh3.clean(html, tags=set(), clean_content_tags=set(FORBIDDEN_TAGS))


def fill_slots(html: str, nonce: str, widgets: list[str]) -> tuple[str, int]:
    """Put lmsctl's own widgets into the slots ``slot(nonce, n)`` left in sanitized HTML;
    returns the HTML and how many widgets found their slot. Only the build knows ``nonce``; a
    slot an author copies from another page fills nothing."""
    if not nonce:
        return html, 0
    pattern = re.compile(r"<div>" + re.escape(nonce) + r"-(\d+)</div>")
    placed: set[int] = set()

    def pick(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n >= len(widgets) or n in placed:
            return ""
        placed.add(n)
        return widgets[n]

    return pattern.sub(pick, html), len(placed)


def slot(nonce: str, n: int) -> str:
    """The raw HTML placeholder for widget ``n``: its class is removed by ``sanitize`` (it is
    an ``lmsctl-*`` class), leaving ``<div>nonce-n</div>`` for ``fill_slots``."""
    return f'<div class="lmsctl-slot">{nonce}-{n}</div>'


def config_url_problem(value: str, *, allow_query: bool = True) -> str | None:
    """Why ``value`` (a URL from lmsctl.yml) is refused, or None for a plain http(s) URL: no
    quotes, angle brackets, backslashes, whitespace or control characters, a host, and (when
    ``allow_query`` is False) no query or fragment."""
    if any(ord(c) < 0x20 or c == "\x7f" or c.isspace() for c in value):
        return "holds whitespace or a control character"
    bad = sorted({c for c in value if c in "\"'<>\\`{}|^"})
    if bad:
        return "holds " + " ".join(bad) + ", which a URL must not"
    m = re.match(r"^(https?)://([^/?#@]+)(/[^?#]*)?(\?[^#]*)?(#.*)?$", value, re.IGNORECASE)
    if m is None:
        return "is not a plain http:// or https:// URL with a host"
    host = m.group(2)
    if not re.match(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$", host):
        return f"has an invalid host '{host}'"
    if not allow_query and (m.group(4) or m.group(5)):
        return "has a query (?...) or fragment (#...); the site's address cannot have one"
    return None
