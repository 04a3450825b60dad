"""``template_cache.TemplateCache``: compiled templates kept between builds; a damaged, foreign
or missing file is compiled again, never a traceback. Real Jinja environments over real
template files, and real builds of a copy of the sample."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from lmsctl.targets.site import build_cache
from lmsctl.targets.site.template_cache import TemplateCache
from tests.site_support import build, copy_sample, tree_hash


def _env(folder: Path, cache: Path, salt: str = "lmsctl 1") -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)),
                              bytecode_cache=TemplateCache(cache, salt), autoescape=True)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<h1>{{ title }}</h1>{% for x in items %}<p>{{ x }}</p>"
                                      "{% endfor %}", encoding="utf-8")
    return folder


def _flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:20])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _garbage_with_a_good_sum(path: Path) -> None:
    """Bytes that pass the checksum but are not Jinja's bucket (as another tool might write)."""
    cache = TemplateCache(path.parent, "lmsctl 1")
    body = b"not a bucket at all"
    path.write_bytes(cache._sum(body) + body)  # noqa: SLF001 - forging a valid file


DAMAGE: list[Callable[[Path], None]] = [_flip, _truncate, _empty, _garbage_with_a_good_sum]


def test_compiled_templates_are_kept_and_reused(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _env(templates, cache).get_template("page.html").render(title="T", items=[1, 2])
    kept = sorted(cache.glob("*.jinja"))
    assert len(kept) == 1
    stamp = kept[0].stat().st_mtime_ns
    again = _env(templates, cache).get_template("page.html").render(title="T", items=[1, 2])
    assert again == first == "<h1>T</h1><p>1</p><p>2</p>"
    assert kept[0].stat().st_mtime_ns == stamp  # read, not written again


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_a_damaged_compiled_template_is_compiled_again(damage: Callable[[Path], None],
                                                       templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _env(templates, cache).get_template("page.html")
    (kept,) = cache.glob("*.jinja")
    damage(kept)
    html = _env(templates, cache).get_template("page.html").render(title="T", items=[3])
    assert html == "<h1>T</h1><p>3</p>"
    # written again, whole: the next environment loads it
    html = _env(templates, cache).get_template("page.html").render(title="U", items=[])
    assert html == "<h1>U</h1>"


def test_another_lmsctl_compiles_again(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _env(templates, cache, "lmsctl 1").get_template("page.html")
    (kept,) = cache.glob("*.jinja")
    before = kept.read_bytes()
    _env(templates, cache, "lmsctl 2").get_template("page.html")
    assert kept.read_bytes() != before  # not used: compiled and written for lmsctl 2


def test_a_changed_template_is_compiled_again(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _env(templates, cache).get_template("page.html")
    (templates / "page.html").write_text("<h2>{{ title }}</h2>", encoding="utf-8")
    assert _env(templates, cache).get_template("page.html").render(title="T") == "<h2>T</h2>"


def test_a_cache_that_cannot_be_written_still_renders(templates: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    html = _env(templates, blocker / "cache").get_template("page.html").render(title="T",
                                                                               items=[])
    assert html == "<h1>T</h1>"


def test_a_build_with_damaged_compiled_templates_builds_the_same_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = copy_sample(tmp_path / "repo")
    first, _ = build(root, root / "site", with_history=False)
    kept = sorted((root / build_cache.CACHE_DIR / "templates").rglob("*.jinja"))
    assert kept, "the theme's templates were not kept"
    for path in kept:
        _flip(path)
    damaged = {path: path.read_bytes() for path in kept}
    for state in (root / build_cache.CACHE_DIR).glob(f"*/{build_cache.STATE}"):
        state.unlink()  # every page rendered again, with the damaged compiled templates
    again, printed = build(root, root / "site", with_history=False)
    assert "Traceback" not in printed
    cold, _ = build(root, tmp_path / "cold", with_history=False, use_cache=False)
    assert tree_hash(root / "site") == tree_hash(tmp_path / "cold")
    assert again.rendered == again.pages == cold.pages == first.pages
    # the theme's, written again (lmsctl's page templates stay compiled in this process)
    theme = [path for path in kept if path.parent.name != "pages"]
    assert theme and all(path.read_bytes() != damaged[path] for path in theme)
