"""The runtime's committed bundles (lmsctl/runtime/bundle/, lmsctl/targets/scorm/launch/bundle/)
are what esbuild (npm, pinned in package-lock.json) makes from the ES module sources today;
pages and packages load only those classic scripts, and the xAPI recorder's bundle only where
learning records are sent.

Needs Node and node_modules (`npm ci --ignore-scripts`): fails under CI=true, skipped
elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from lmsctl.targets.scorm.export import export_courses
from lmsctl.targets.site import compile as compiler
from tests.site_support import copy_sample

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "bundle-runtime.mjs"
HINT = ("esbuild is not installed: run `npm ci --ignore-scripts` in the repository "
        "(Node.js: apt-get install -y nodejs)")


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "esbuild" / "package.json").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(HINT)
        pytest.skip(HINT)
    return node


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_node(), str(root / "scripts" / "bundle-runtime.mjs"), "--check"],
                          cwd=root, capture_output=True, text=True, timeout=120, check=False)


def test_the_committed_bundles_are_up_to_date_with_their_sources() -> None:
    done = _check(ROOT)
    assert done.returncode == 0, done.stderr + done.stdout


def test_the_check_fails_on_a_changed_source_and_says_how_to_regenerate(tmp_path: Path) -> None:
    """In a copy of the tree (never the repository's own files): a module the entry imports
    changes, and the check names the stale bundle and the command."""
    copy = tmp_path / "tree"
    for part in ("scripts", "lmsctl/runtime", "lmsctl/targets/scorm/launch"):
        shutil.copytree(ROOT / part, copy / part)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    assert _check(copy).returncode == 0
    quiz = copy / "lmsctl/runtime/quiz.js"
    quiz.write_text(quiz.read_text(encoding="utf-8") + "\nexport const added = 1;\n"
                    "globalThis.lmsctlAdded = added;\n", encoding="utf-8")
    done = _check(copy)
    assert done.returncode == 1
    assert "lmsctl/runtime/bundle/lmsctl.js" in done.stderr
    assert "lmsctl-xapi.js" not in done.stderr  # the recorder does not import quiz.js
    assert "make runtime-bundle" in done.stderr
    # a new module imported by the entry is in the bundle without any list to update
    (copy / "lmsctl/runtime/extra.js").write_text("globalThis.lmsctlExtra = 7;\n",
                                                  encoding="utf-8")
    main = copy / "lmsctl/runtime/main.js"
    main.write_text('import "./extra.js";\n' + main.read_text(encoding="utf-8"),
                    encoding="utf-8")
    rebuilt = subprocess.run([_node(), str(copy / "scripts" / "bundle-runtime.mjs")], cwd=copy,
                             capture_output=True, text=True, timeout=120, check=False)
    assert rebuilt.returncode == 0, rebuilt.stderr
    bundle = (copy / "lmsctl/runtime/bundle/lmsctl.js").read_text(encoding="utf-8")
    assert "globalThis.lmsctlExtra = 7" in bundle and "lmsctlAdded" in bundle
    assert _check(copy).returncode == 0


def test_bundles_are_classic_scripts_without_imports_or_source_maps() -> None:
    bundles = [*(ROOT / "lmsctl/runtime/bundle").glob("*.js"),
               *(ROOT / "lmsctl/targets/scorm/launch/bundle").glob("*.js")]
    assert len(bundles) == 4
    for path in bundles:
        js = path.read_text(encoding="utf-8")
        assert "sourceMappingURL" not in js, path
        assert "\nimport " not in js and "\nexport " not in js and "import(" not in js, path
        assert str(ROOT) not in js, path  # no absolute path of the machine that built it


def test_site_ships_the_recorder_bundle_only_with_learning_records() -> None:
    plain = compiler.runtime_files(xapi=False)
    recording = compiler.runtime_files(xapi=True)
    assert [p.as_posix() for p in plain] == ["lmsctl.js"]
    assert {p.as_posix() for p in recording} == {
        "lmsctl.js", "lmsctl-xapi.js", "vendor/xapi/LICENSE", "vendor/xapi/VERSION"}
    assert all(src.is_file() for src in recording.values())


def test_packages_ship_the_recorder_bundle_only_when_they_send_statements(
        tmp_path: Path) -> None:
    repo = copy_sample(tmp_path / "repo")
    result = export_courses(repo, ["sales-basics"], ["scorm12", "scorm2004", "xapi"],
                            tmp_path / "dist")
    runtime = "assets/lmsctl/runtime/"
    for package in result.packages:
        with zipfile.ZipFile(package.zip) as z:
            names = {n[len(runtime):] for n in z.namelist() if n.startswith(runtime)}
            page = z.read("courses/sales-basics/index.html").decode("utf-8")
            launch = z.read("index.html").decode("utf-8")
        assert 'type="module"' not in page and 'type="module"' not in launch
        assert 'assets/lmsctl/runtime/lmsctl.js" defer' in page
        if package.format == "xapi":
            assert names == {"lmsctl.js", "lmsctl-xapi.js", "vendor/xapi/LICENSE",
                             "vendor/xapi/VERSION"}
        else:  # the sample's lmsctl.yml sends no learning records
            assert names == {"lmsctl.js"}, package.format
