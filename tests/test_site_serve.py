"""``lmsctl serve``: a real server on 127.0.0.1 that rebuilds when a file changes, keeps the
last good site when a rebuild fails, and says so when its port is taken."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lmsctl.core.errors import LmsctlError
from lmsctl.targets.site.preview_server import serve
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON

COURSE = "courses/sales-basics/course.yml"
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
        return str(response.read().decode("utf-8"))


def wait_for(predicate: Callable[[], bool], seconds: float = 30) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@contextmanager
def serving(root: Path, course: str | None = None,
            poll: bool = False) -> Iterator[tuple[str, io.StringIO]]:
    stream = io.StringIO()
    ready = threading.Event()
    stop = threading.Event()
    urls: list[str] = []
    errors: list[BaseException] = []

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    def target() -> None:
        try:
            serve(root, course, free_port(), True, stream, ready=on_ready, stop=stop,
                  poll=poll)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
            ready.set()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    assert ready.wait(60), stream.getvalue()
    assert not errors, errors
    try:
        yield urls[0], stream
    finally:
        stop.set()
        thread.join(30)
        assert not thread.is_alive()


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(
        make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    with serving(repo) as (url, stream):
        assert url.startswith("http://127.0.0.1:") and url.endswith("/learn/")  # site URL path
        course_page = url + "courses/sales-basics/"
        html = get(course_page)
        assert "<title>Sales basics - Test Learning</title>" in html
        assert "livereload" in html  # the page reloads itself after a rebuild
        (repo / COURSE).write_text(MINIMAL_COURSE.replace("title: Sales basics",
                                                          "title: Selling basics"),
                                   encoding="utf-8")
        assert wait_for(lambda: "Selling basics - Test Learning" in get(course_page)), \
            stream.getvalue()
        (repo / LESSON).write_text(MINIMAL_LESSON.replace("correct: true", "correct: maybe"),
                                   encoding="utf-8")
        assert wait_for(lambda: "error: the site was not built" in stream.getvalue())
        assert "Selling basics - Test Learning" in get(course_page)
        assert f"{LESSON}:" in stream.getvalue()


def test_first_build_failing_shows_the_problems_in_the_browser(
        make_repo: Callable[..., Path]) -> None:
    repo = make_repo({LESSON: MINIMAL_LESSON.replace("correct: true", "correct: maybe")})
    with serving(repo) as (url, _):
        html = get(url)
        assert "could not be built" in html and LESSON in html
        (repo / LESSON).write_text(MINIMAL_LESSON, encoding="utf-8")
        assert wait_for(lambda: "Test Learning" in get(url))


def test_serve_one_course(make_repo: Callable[..., Path]) -> None:
    repo = make_repo({
        "courses/other/course.yml": MINIMAL_COURSE.replace("Sales basics", "Other course"),
        "courses/other/lessons/01-x.md": MINIMAL_LESSON,
    })
    with serving(repo, course="other") as (url, _):
        assert "Other course" in get(url + "courses/other/")
        with pytest.raises(urllib.error.HTTPError):
            get(url + "courses/sales-basics/")


def test_a_taken_port_is_a_clear_error(make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LmsctlError) as info:
            serve(repo, None, port, True, io.StringIO())
    assert f"port {port}" in info.value.message and "--port" in info.value.hint


@pytest.mark.parametrize("course", [None, "sales-basics"])
def test_serve_renders_only_what_a_save_changed(make_repo: Callable[..., Path],
                                               course: str | None) -> None:
    """A save re-renders the lesson's course, not the site (the build cache, issue 14), both
    for the whole site and for ``--course``; the served folder is under .lmsctl/ and goes
    away with the server."""
    repo = make_repo({
        "courses/other/course.yml": MINIMAL_COURSE.replace("Sales basics", "Other course"),
        "courses/other/lessons/01-x.md": MINIMAL_LESSON,
    })
    with serving(repo, course=course) as (url, stream):
        page = url + "courses/sales-basics/discovery-questions/"
        assert "Freshly written words" not in get(page)
        (repo / LESSON).write_text(MINIMAL_LESSON + "\nFreshly written words.\n",
                                   encoding="utf-8")
        assert wait_for(lambda: "Freshly written words" in get(page)), stream.getvalue()
        assert wait_for(lambda: len(re.findall(r"Built (\d+) pages", stream.getvalue())) >= 2)
        builds = re.findall(r"Built (\d+) pages \((\d+) rendered", stream.getvalue())
        pages, rendered = (int(x) for x in builds[-1])
        assert 0 < rendered < pages, stream.getvalue()
        assert list((repo / ".lmsctl").glob("serve-*"))
    assert not list((repo / ".lmsctl").glob("serve-*"))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_preview_deletes_the_folders_of_killed_previews(
        make_repo: Callable[..., Path]) -> None:
    """A ``serve`` killed with SIGKILL cannot clean up; the next one deletes its folder, and
    leaves alone the folders of previews still running or still being set up."""
    repo = make_repo()
    base = repo / ".lmsctl"
    folders = {name: base / f"serve-{name}" for name in ("dead", "live", "new", "old")}
    for folder in folders.values():
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("old page\n", encoding="utf-8")
    (folders["dead"] / "owner.pid").write_text(f"{_dead_pid()}\n", encoding="ascii")
    (folders["live"] / "owner.pid").write_text(f"{os.getpid()}\n", encoding="ascii")
    hour_ago = time.time() - 3600
    os.utime(folders["old"], (hour_ago, hour_ago))
    with serving(repo):
        assert not folders["dead"].exists() and not folders["old"].exists()
        assert folders["live"].exists() and folders["new"].exists()
        mine = set(base.glob("serve-*")) - set(folders.values())
        assert len(mine) == 1
        assert (mine.pop() / "owner.pid").read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert sorted(p.name for p in base.glob("serve-*")) == ["serve-live", "serve-new"]


def test_kill_stops_a_preview_and_its_folder_goes(make_repo: Callable[..., Path]) -> None:
    """``kill`` (SIGTERM) stops ``lmsctl serve`` as Ctrl+C does: it says so, exits 0 and
    deletes its build folder."""
    repo = make_repo()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "lmsctl.cli", "serve", "--port", str(port)],
                            cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        def up() -> bool:
            try:
                return "Test Learning" in get(f"http://127.0.0.1:{port}/learn/")
            except OSError:
                return False

        assert wait_for(up, 90)
        assert len(list((repo / ".lmsctl").glob("serve-*"))) == 1
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert "Stopped." in out
    assert list((repo / ".lmsctl").glob("serve-*")) == []
