"""The vendored @xapi/xapi (lmsctl/runtime/vendor/xapi/) is the package that package.json pins:
its VERSION names the pinned version, its LICENSE is there, and, when ``npm ci`` has been run,
the vendored module is byte for byte the package's browser ES module build
(update both with ``scripts/vendor-xapi.sh``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "lmsctl" / "runtime" / "vendor" / "xapi"
PACKAGE = ROOT / "node_modules" / "@xapi" / "xapi"


def pinned() -> str:
    data = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    version: str = data["devDependencies"]["@xapi/xapi"]
    return version


def test_vendored_xapi_names_the_pinned_version_and_keeps_its_licence() -> None:
    version = pinned()
    assert version[0].isdigit(), "pin @xapi/xapi exactly (npm install --save-exact)"
    assert (VENDOR / "VERSION").read_text(encoding="utf-8").startswith(f"@xapi/xapi {version} ")
    licence = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Christian Cook" in licence
    module = (VENDOR / "xapi.esm.js").read_text(encoding="utf-8")
    assert module.rstrip().endswith("export{At as default};")


def test_vendored_xapi_is_the_pinned_package_build() -> None:
    if not (PACKAGE / "package.json").is_file():
        pytest.skip("node_modules is missing: npm ci --ignore-scripts")
    installed = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == pinned(), "node_modules is stale: npm ci --ignore-scripts"
    vendored = (VENDOR / "xapi.esm.js").read_bytes()
    assert vendored == (PACKAGE / "dist" / "XAPI.esm.js").read_bytes(), (
        "the vendored xAPI module differs from the pinned package: run scripts/vendor-xapi.sh")
    assert (VENDOR / "LICENSE").read_bytes() == (PACKAGE / "LICENSE.md").read_bytes()
