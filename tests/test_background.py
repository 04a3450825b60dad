"""Work done in a forked process while a run goes on (``lmsctl.core.background``), and the cold
build that saves its checks' caches so while it compiles (issue 14: a cold build that fills
the cache is no slower than one without it)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lmsctl.core import background, cache
from lmsctl.core.cache import CACHE_DIR
from tests.site_support import build, copy_sample
from tests.test_checks_cache import age

forks = pytest.mark.skipif(not background.can_fork(),
                           reason="needs fork and two cores (Linux, 2+ CPUs)")


def _notes() -> tuple[list[str], background.Note]:
    said: list[str] = []
    return said, said.append


@forks
def test_the_work_runs_in_another_process_and_wait_joins_it(tmp_path: Path) -> None:
    done = tmp_path / "done"
    said, note = _notes()
    work = background.start(lambda: done.write_text(str(os.getpid())), "writing", note)
    assert work.forked and work.pid is not None
    pid = work.pid
    work.wait()
    assert done.read_text() == str(pid)  # (written by the forked process)
    work.wait()  # once is enough: a second wait does nothing
    assert not said
    with pytest.raises(ChildProcessError):  # waited for: not left behind
        os.waitpid(pid, os.WNOHANG)


@contextlib.contextmanager
def another_thread() -> Iterator[None]:
    """Another thread runs in this process within the block."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_with_another_thread_the_work_is_done_at_once(tmp_path: Path) -> None:
    """Forking a threaded process can copy a lock another thread holds (``serve``)."""
    with another_thread():
        pids: list[int] = []
        work = background.start(lambda: pids.append(os.getpid()), "writing", _notes()[1])
        assert pids == [os.getpid()] and not work.forked
        work.wait()


def test_done_at_once_its_exception_is_raised() -> None:
    def fail() -> None:
        raise ValueError("bad")

    with another_thread(), pytest.raises(ValueError, match="bad"):
        background.start(fail, "saving", _notes()[1])


@forks
def test_a_failure_in_the_forked_process_is_one_note_never_a_traceback(
        capfd: pytest.CaptureFixture[str]) -> None:
    def fail() -> None:
        raise OSError("disk full")

    work = background.start(fail, "saving the checks' cache",
                            lambda message: print(message, file=sys.stderr))
    work.wait()
    err = capfd.readouterr().err
    assert err == ("note: saving the checks' cache failed (OSError: disk full); the next run "
                   "does without it\n")


@forks
def test_a_forked_process_killed_is_noted_by_the_waiting_run() -> None:
    said, note = _notes()
    work = background.start(lambda: os.kill(os.getpid(), signal.SIGKILL), "saving", note)
    work.wait()
    assert said == [f"note: saving stopped (signal {int(signal.SIGKILL)}); the next run does "
                    "without it"]


@forks
def test_what_the_run_had_buffered_is_written_once(tmp_path: Path) -> None:
    """The forked process never flushes the run's buffers nor runs its exit handlers."""
    script = (
        "import atexit, sys\n"
        "from lmsctl.core import background\n"
        "atexit.register(lambda: print('exit handler'))\n"
        "sys.stdout.write('before ')\n"
        "background.start(lambda: print('work', file=sys.stderr), 'w', print).wait()\n"
        "print('after')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout == "before after\nexit handler\n"
    assert done.stderr == "work\n"


@forks
def test_a_cold_build_saves_the_checks_caches_while_it_compiles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks' caches of a build are written by another process, complete when the build
    returns (the next build takes every course's facts from them)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = copy_sample(tmp_path / "repo")
    age(root)  # (settled files: their courses' facts are kept)
    savers = tmp_path / "savers"
    save = cache.Namespace.save

    def recorded(self: cache.Namespace, *args: object, **kwargs: object) -> None:
        with savers.open("a") as f:
            f.write(f"{self.name} {os.getpid()}\n")
        save(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.Namespace, "save", recorded)
    first, _ = build(root, root / "site")
    saved = dict(line.split() for line in savers.read_text().splitlines())
    # (a catalog this small reads its lessons afresh: only the courses' facts are kept)
    assert saved.pop("facts") != str(os.getpid())
    assert saved == {"build-placeholders": str(os.getpid())}  # (the build's own, kept after)
    cache.decode((root / CACHE_DIR / "facts.bin").read_bytes())  # whole
    with (root / "lmsctl.yml").open("a") as f:  # the next build is not a replay of this one
        f.write("\n# again\n")
    again, _ = build(root, root / "site")
    assert first.stand_ins == 0
    assert again.stand_ins == len(list(root.glob("courses/*/course.yml"))) > 0


def test_the_render_does_not_carry_the_checks_caches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once their saving has begun, the build lets go of the checks' caches (every lesson's
    reading, at 1,000 courses ~110 MB): the render's processes must not carry them."""
    import gc

    from lmsctl.targets.site import render

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = copy_sample(tmp_path / "repo")
    age(root)
    alive: list[list[str]] = []
    real = render.render

    def looking(*args: object, **kwargs: object) -> render.RenderResult:
        alive.append([o.name for o in gc.get_objects() if isinstance(o, cache.Namespace)
                      and not isinstance(o, cache.Disabled)])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render", looking)
    build(root, root / "site")
    assert alive == [[]]


@forks
def test_shared_work_returns_what_the_forked_process_computed(tmp_path: Path) -> None:
    shared = background.share(lambda: {"pid": os.getpid(), "text": "é" * 100_000}, tmp_path)
    assert shared is not None
    found = shared.result()
    assert found is not None and found["text"] == "é" * 100_000
    assert found["pid"] != os.getpid()


@forks
def test_when_no_process_can_be_forked_no_work_is_shared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", refused)
    assert background.share(lambda: 1, tmp_path) is None  # the caller does it all
    assert len(os.listdir("/proc/self/fd")) == before  # its file closed


def _raises() -> None:
    raise ValueError("bad")


@forks
@pytest.mark.parametrize("work", [_raises, lambda: os.kill(os.getpid(), signal.SIGKILL),
                                  lambda: os._exit(3)], ids=["raises", "killed", "exits"])
def test_shared_work_that_fails_gives_none_and_says_nothing(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], work: object) -> None:
    shared = background.share(work, tmp_path)  # type: ignore[arg-type]
    assert shared is not None
    assert shared.result() is None  # the caller does that work itself
    out, err = capfd.readouterr()
    assert not out and not err


@forks
def test_stopping_shared_work_ends_its_process(tmp_path: Path) -> None:
    import time

    shared = background.share(lambda: time.sleep(60), tmp_path)
    assert shared is not None
    pid = shared._pid
    assert pid is not None
    started = time.monotonic()
    shared.stop()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):  # ended and waited for
        os.waitpid(pid, os.WNOHANG)


def test_with_another_thread_no_work_is_shared(tmp_path: Path) -> None:
    with another_thread():
        assert background.share(lambda: 1, tmp_path) is None
