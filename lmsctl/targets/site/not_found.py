"""The 404 page, wherever the site is served.

MkDocs renders ``404.html`` with absolute URLs under the site URL's path (``/lmsctl/assets/…``),
because a 404 page is shown at any address. Served at ``/`` instead (``python -m http.server``,
a preview, a custom domain) the page would load no stylesheet, script or link. So the page's
own URLs are made relative to a ``<base>`` that a small inline script sets first thing: the site
URL's path when the address is under it, ``/`` otherwise; Material's configuration (its
base and search worker) is resolved against the same base.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

_BASE_SCRIPT = ('<script>(function(){{var p={prefix},b=document.createElement("base");'
                'b.href=location.pathname.indexOf(p)===0?p:"/";'
                'document.head.appendChild(b)}})()</script>')
_CONFIG_SCRIPT = ('<script>(function(){var c=document.getElementById("__config");if(!c){return}'
                  'var j=JSON.parse(c.textContent),b=document.baseURI;'
                  'j.base=new URL(".",b).href;'
                  'if(j.search){j.search=new URL(j.search,b).href}'
                  'c.textContent=JSON.stringify(j)})()</script>')
_CONFIG = re.compile(r'(<script id="__config" type="application/json">.*?</script>)', re.S)


def site_prefix(site_url: str | None) -> str:
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


def portable(html: str, prefix: str) -> str:
    """``404.html`` working both under ``prefix`` (the site URL's path) and at ``/``."""
    if prefix == "/" or "<head>" not in html:
        return html
    quoted = re.escape(prefix)
    html = re.sub(rf'(\s(?:href|src)=")({quoted})', lambda m: m.group(1), html)
    html = re.sub(rf'(\s(?:href|src)="){re.escape(prefix.rstrip("/"))}"', r'\1."', html)
    html = html.replace(f'new URL("{prefix}",location)', 'new URL(".",document.baseURI)')
    html = html.replace(f'"base": "{prefix}"', '"base": "."')
    html = html.replace(f'"search": "{prefix}', '"search": "')
    html = _CONFIG.sub(lambda m: m.group(1) + _CONFIG_SCRIPT, html, count=1)
    return html.replace("<head>", "<head>" + _BASE_SCRIPT.format(prefix=json.dumps(prefix)), 1)
