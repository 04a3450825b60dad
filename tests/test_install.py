"""The README's two commands work in a fresh clone on a stock Debian/Ubuntu Python: one that
refuses `pip install` outside a virtual environment (PEP 668) and with no `python` command.

Slow (it installs lmsctl and the test tools into a new .venv; pip's cache makes it quicker), so
it is marked ``slow``; it runs in CI like every other test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_readme import quick_start_commands

ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = ("needs a Debian/Ubuntu Python with venv and pip that refuses pip install "
                "outside a venv: apt-get install -y python3-venv python3-pip")


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}; {INSTALL_HINT}")
    pytest.skip(f"{why}; {INSTALL_HINT}")


def externally_managed_python() -> Path:
    """A python3 that refuses `pip install` outside a venv (checked, not assumed)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3") or ""):
        if not candidate or not Path(candidate).is_file():
            continue
        probe = subprocess.run([candidate, "-m", "pip", "install", "--dry-run", "--no-index",
                                "lmsctl-no-such-package"], capture_output=True, text=True,
                               timeout=60)
        venv = subprocess.run([candidate, "-c", "import ensurepip, venv"], capture_output=True)
        if (probe.returncode != 0 and "externally-managed-environment" in probe.stderr
                and venv.returncode == 0):
            return Path(candidate)
    _missing("no externally managed python3 with venv found")
    raise AssertionError  # unreachable


def fresh_clone(dest: Path) -> Path:
    """The working tree as it is (tracked and new files, not ignored ones), committed into a
    new repository and cloned from there: what a newcomer gets from `git clone`."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    src = dest / "src"
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=src, check=True)
    subprocess.run([*git, "add", "-A"], cwd=src, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], cwd=src, check=True)
    subprocess.run(["git", "clone", "-q", str(src), str(dest / "clone")], check=True)
    return dest / "clone"


@pytest.mark.slow
def test_readme_commands_in_a_fresh_clone_on_a_stock_debian_python(tmp_path: Path) -> None:
    python = externally_managed_python()
    for tool in ("make", "git", "npm", "node"):
        if shutil.which(tool) is None:
            _missing(f"{tool} is missing")
    # PATH: python3 is the externally managed one; nothing called `python` anywhere.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    for tool in ("make", "git", "npm", "node"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or tool)
    path = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    assert shutil.which("python", path=path) is None, "a `python` command is on the test PATH"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHON", "PYENV", "CONDA"))}
    env["PATH"] = path
    env["HOME"] = os.environ.get("HOME", str(tmp_path))  # keeps pip's and npm's caches
    clone = fresh_clone(tmp_path)

    # The check is real: this python3 refuses to install outside a virtual environment.
    refused = subprocess.run(["python3", "-m", "pip", "install", "-e", "."], cwd=clone, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr

    site, test = quick_start_commands()
    assert (site, test) == ("make site", "make test")
    done = subprocess.run(site.split(), cwd=clone, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / "site" / "index.html").is_file()
    assert "python3 -m http.server" in done.stdout
    # Again: nothing to install, so it only builds.
    again = subprocess.run(site.split(), cwd=clone, env=env, capture_output=True, text=True,
                           timeout=900)
    assert again.returncode == 0 and "pip install" not in again.stdout, again.stdout

    # The second command, with pytest limited to a quick file (the full suite runs in the
    # suite itself): installs the test tools and the npm packages, runs node --test, ruff, mypy.
    done = subprocess.run([*test.split(), "PYTEST_ARGS=-q tests/test_readme.py"], cwd=clone,
                          env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert (clone / ".venv" / "bin" / "ruff").exists()
    assert (clone / "node_modules" / "axe-core").is_dir()
    assert "passed" in done.stdout
    js = sorted((clone / "tests" / "js").rglob("*.test.mjs")) if (clone / "tests" / "js").is_dir() \
        else []
    assert ("node --test" in done.stdout) if js else ("no JavaScript tests" in done.stdout)
