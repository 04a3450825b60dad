"""The message catalog template of the site (``lmsctl/targets/site/locale/lmsctl.pot``),
extracted with Babel from the page templates, the ``_()``/``ngettext()`` calls of the
site's Python modules and the marks of the runtime's messages (``lmsctl/runtime/messages.js``).

    python -m tests.i18n_catalog        # rewrite the .pot after changing a learner-visible string
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "lmsctl" / "targets" / "site"
POT = SITE / "locale" / "lmsctl.pot"
RUNTIME_MESSAGES = ROOT / "lmsctl" / "runtime" / "messages.js"
METHODS = [("templates/**.j2", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true",
                               "trim_blocks": "true", "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
#: Fixed, so that the file changes only when the messages do.
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def extract() -> Catalog:
    catalog = Catalog(project="lmsctl", version="", copyright_holder="lmsctl contributors",
                      msgid_bugs_address="", creation_date=CREATED, revision_date=CREATED,
                      fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            SITE, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS,
            comment_tags=("Translators:",)):
        catalog.add(message, None, [(f"lmsctl/targets/site/{filename}", lineno)],
                    auto_comments=comments, context=context)
    for lineno, message, comments, context in extract_from_file(
            "javascript", RUNTIME_MESSAGES, keywords=KEYWORDS,
            comment_tags=("Translators:",)):
        catalog.add(message, None, [(RUNTIME_MESSAGES.relative_to(ROOT).as_posix(), lineno)],
                    auto_comments=comments, context=context)
    return catalog


def render(catalog: Catalog) -> str:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False)
    text = out.getvalue().decode("utf-8")
    # the Babel version would make the file differ between machines
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith('"Generated-By:'))


def main() -> None:
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_text(render(extract()), encoding="utf-8")
    print(f"wrote {POT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
