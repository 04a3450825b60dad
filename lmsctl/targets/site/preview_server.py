"""``lmsctl serve``: build into a temporary folder, serve it on 127.0.0.1, rebuild and reload the
browser when a watched file changes (MkDocs' live-reload server, used as a library).

A failed rebuild keeps the last good site on screen (the build is atomic), prints the problems,
and shows them in every open preview page as an overlay (the same text as the terminal, as text,
never as HTML), which goes away with the next good build; when even the first build fails, the
browser shows them until they are fixed.

The system says what changed (inotify on Linux): the top of the repository, and courses/ and
paths/ recursively, watched again when they are removed and made anew; the files are polled only
where that cannot be had. So a save is seen at once, an idle preview costs nothing, and the watch
survives a `git switch` that removes and re-creates a course folder, and editors that save by
writing a temporary file and renaming it over the original. The first build renders in parallel;
a rebuild after a save renders the few pages it changed in this process.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import json
import logging
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from lmsctl.content.loader import load_config
from lmsctl.core.errors import LmsctlError
from lmsctl.core.inputs import ROOT_TREES
from lmsctl.core.watch import why
from lmsctl.targets.site import build_inputs
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site.pipeline import build_site, load_preview
from lmsctl.targets.site.publish import MARKER

if TYPE_CHECKING:
    from lmsctl.core.inputs import Snapshot
    from lmsctl.core.watch import Watcher

HOST = "127.0.0.1"


def watched_paths(root: Path, course: str | None) -> list[Path]:
    """What a change to triggers a rebuild: the content the preview is built from."""
    paths: list[Path] = []
    if course is not None:
        try:
            repo, _ = load_preview(root, course)
        except LmsctlError:
            repo = None
        ids = [course]
        if repo is not None and repo.course(course) is not None:
            target = repo.course(course)
            assert target is not None
            ids += compiler.linked_course_ids(target)
        paths += [root / "courses" / cid for cid in dict.fromkeys(ids)]
    else:
        paths.append(root / "courses")
    paths += [root / "paths", root / "lmsctl.yml", root / "CONTRIBUTING.md"]
    return [p for p in paths if p.exists()]


def _failure_page(out: Path, message: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("placeholder\n", encoding="utf-8")
    (out / "index.html").write_text(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed"
        "</title></head><body><h1>The site could not be built</h1><p>Fix these problems; this "
        "page reloads by itself when the site builds.</p><pre>" + escape(message)
        + "</pre></body></html>\n", encoding="utf-8")


#: Where open pages ask whether the last rebuild failed (JSON: {"failed": bool, "text": str}).
STATUS_PATH = "/.lmsctl/build-status"

#: Injected into every served page, next to MkDocs' live-reload script: polls STATUS_PATH and
#: shows the problems of a failed rebuild over the page (as text: textContent, never HTML).
OVERLAY_SCRIPT = """
(function () {
  var box = null, last = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("data-lmsctl-build-errors", "");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;" +
        "z-index:2147483647;background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #c62828;" +
        "padding:1rem 1.5rem;font:14px/1.5 system-ui,sans-serif;box-shadow:0 4px 16px #0004";
      var title = document.createElement("strong");
      title.textContent = "The preview could not be rebuilt. Fix these problems; this page " +
        "updates by itself when the site builds again (it shows the last good build).";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.75rem 0 0;font:13px/1.45 monospace";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.lastChild.textContent = text;
  }
  function hide() { if (box) { box.remove(); box = null; } }
  function poll() {
    fetch("@STATUS@", {cache: "no-store"}).then(function (r) { return r.json(); })
    .then(function (s) {
      var key = s.failed ? s.text : "";
      if (key !== last) { last = key; if (s.failed) { show(s.text); } else { hide(); } }
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", poll);
  } else { poll(); }
})();
""".replace("@STATUS@", STATUS_PATH)


class BuildStatus:
    """The outcome of the last rebuild, shared with the server's request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.failed = False
        self.text = ""

    def set(self, failed: bool, text: str = "") -> None:
        with self._lock:
            self.failed, self.text = failed, text

    def to_json(self) -> bytes:
        with self._lock:
            return json.dumps({"failed": self.failed, "text": self.text}).encode("utf-8")


#: What a preview is built from, at the top of the repository.
TOP_LEVEL = frozenset({"courses", "paths", "lmsctl.yml", "CONTRIBUTING.md"})


def is_watched(root: Path, path: str, course_ids: frozenset[str] | None) -> bool:
    """Whether a change at ``path`` can change the preview: lmsctl.yml, CONTRIBUTING.md,
    paths/, and courses/ (with --course: that course and the ones it links to), never hidden
    files or folders (.git, editors' swap files)."""
    try:
        rel = Path(path).resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    parts = rel.parts
    if not parts or any(p.startswith(".") for p in parts):
        return False
    if parts[0] in TOP_LEVEL - {"courses"}:
        return True
    if parts[0] != "courses":
        return False
    return course_ids is None or len(parts) == 1 or parts[1] in course_ids


def _server_class() -> Any:
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        """MkDocs' live-reload server plus the build-status endpoint, the overlay script,
        and one filtered recursive watch of the repository."""

        status: BuildStatus

        def _serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("PATH_INFO") == STATUS_PATH:
                body = self.status.to_json()
                start_response("200 OK", [("Content-Type", "application/json"),
                                          ("Cache-Control", "no-store"),
                                          ("Content-Length", str(len(body)))])
                return [body]
            return super()._serve_request(environ, start_response)

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            content = super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call]
            try:
                end = content.rindex(b"</body>")
            except ValueError:
                end = len(content)
            return content[:end] + b"<script>" + OVERLAY_SCRIPT.encode() + b"</script>" + \
                content[end:]

        def watch_repository(self, root: Path, wanted: Callable[[str], bool],
                             stream: TextIO, poll: bool = False) -> None:
            """Watch what the preview is built from: at the top of the repository (which
            never disappears, unlike a course folder on a branch switch), courses/, paths/,
            lmsctl.yml and CONTRIBUTING.md; below, everything but hidden files and folders
            (.git and .lmsctl are never watched). The kernel says what changed (inotify),
            at once and at no cost while nothing does; where it cannot (another system, no
            watches left) or must not (``poll``: a folder shared from another system, whose
            changes the kernel here never hears of), the files are polled. Started here: a
            change made once this returns is never missed."""
            import watchdog.events

            def callback(event: Any) -> None:
                paths = [event.src_path, getattr(event, "dest_path", "") or ""]
                if not any(p and wanted(os.fsdecode(p)) for p in paths):
                    return
                with self._rebuild_cond:
                    self._want_rebuild = True
                    self._rebuild_cond.notify_all()

            handler = watchdog.events.FileSystemEventHandler()
            handler.on_any_event = callback  # type: ignore[method-assign]
            self._watch = _Watch(root, handler)
            self._watched_paths[str(root)] = 1  # MkDocs injects its reload script
            self.observer = self._watch.start(stream, poll)

        @property
        def polling(self) -> bool:
            """Whether the files are polled (or not watched yet): the kernel here is not
            told of their changes."""
            watch = getattr(self, "_watch", None)
            return watch is None or bool(watch.polling)

        def rewatch(self) -> None:
            """Before each rebuild: watch courses/ and paths/ again where they were removed
            and made anew (a branch switch), or made for the first time."""
            if getattr(self, "_watch", None) is not None:
                self.observer = self._watch.rewatch()

        def published(self) -> None:
            """The new site is in place (the rest of the build writes its cache): serve it
            and reload the open pages now."""
            with self._epoch_cond:
                self._visible_epoch = self._wanted_epoch
                self._epoch_cond.notify_all()

        def serve(self, *, open_in_browser: bool = False) -> None:
            """Serve and rebuild until shut down (bound, listening and watching already)."""
            self.serve_thread.start()
            self._build_loop()  # type: ignore[no-untyped-call]

    return PreviewServer


#: Seconds between two looks at the files, when they are polled (no inotify).
POLL_INTERVAL = 0.5
#: Watched recursively, each on its own (a course folder may come and go; these too).
WATCHED_FOLDERS = ROOT_TREES


def _change_events() -> list[type[Any]]:
    """What a rebuild follows: files and folders made, written, removed or renamed; never a
    file opened or read (the build reads them all)."""
    import watchdog.events as ev

    return [ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileClosedEvent, ev.FileAttribEvent,
            ev.FileDeletedEvent, ev.FileMovedEvent, ev.DirCreatedEvent, ev.DirDeletedEvent,
            ev.DirMovedEvent]


def _why(exc: OSError) -> str:
    """Why the system's watch cannot be had, for the terminal."""
    return f"the system cannot watch them: {why(exc)}"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


class _Watch:
    """The observer of one preview: the system's own (inotify on Linux) on the top of the
    repository and on each of ``WATCHED_FOLDERS``; the files polled instead when that cannot
    be had (then the terminal says why)."""

    def __init__(self, root: Path, handler: Any) -> None:
        self.root, self.handler = root, handler
        self.observer: Any = None
        self.polling = False
        self.stream: TextIO | None = None
        self.folders: dict[str, tuple[Any, tuple[int, int] | None]] = {}

    def start(self, stream: TextIO, poll: bool = False) -> Any:
        self.stream = stream
        if poll:
            return self._poll("--poll")
        try:
            from watchdog.observers import Observer

            self.observer = Observer()
            self.observer.schedule(self.handler, os.fspath(self.root), recursive=False,
                                   event_filter=_change_events())
            self.observer.start()
        except OSError as exc:
            return self._poll(_why(exc))
        return self.rewatch()

    def _alive(self, watch: Any) -> bool:
        return any(e.watch == watch and e.is_alive() for e in self.observer.emitters)

    def rewatch(self) -> Any:
        """(Re)schedule the watch of each folder that was made or made anew since the last
        look; the observer in use (the polling one, if a watch could not be added)."""
        if self.polling:
            return self.observer
        for name in WATCHED_FOLDERS:
            path = self.root / name
            now = _identity(path)
            watch, then = self.folders.get(name, (None, None))
            if now == then and (watch is None or self._alive(watch)):
                continue
            if watch is not None:
                with contextlib.suppress(KeyError):
                    self.observer.unschedule(watch)
            self.folders[name] = (None, now)
            if now is None:
                continue
            try:
                watch = self.observer.schedule(self.handler, os.fspath(path), recursive=True,
                                               event_filter=_change_events())
            except OSError as exc:
                return self._poll(_why(exc))
            self.folders[name] = (watch, now)
        return self.observer

    def _poll(self, reason: str) -> Any:
        """Poll the files from now on: one recursive look at the repository every
        ``POLL_INTERVAL`` (only what the preview is built from; .git is never read)."""
        import watchdog.observers.polling

        if self.observer is not None:
            with contextlib.suppress(Exception):  # a half-started observer: nothing to stop
                self.observer.stop()
        base = os.fspath(self.root)

        def listdir(path: str | None) -> Iterator[os.DirEntry[str]]:
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or (path == base and
                                                      entry.name not in TOP_LEVEL):
                        continue
                    yield entry

        self.polling = True
        self.observer = watchdog.observers.polling.PollingObserverVFS(
            os.stat, listdir, polling_interval=POLL_INTERVAL)
        self.observer.schedule(self.handler, base, recursive=True,
                               event_filter=_change_events())
        self.observer.start()
        if self.stream is not None:
            self.stream.write(f"note: looking at the files every {POLL_INTERVAL:g} s for "
                              f"changes ({reason}).\n")
            self.stream.flush()
        return self.observer


class _Files:
    """What a build walks of the repository (``build_inputs.scan``), kept current by a
    watcher (``build_inputs.watch``) while the system tells of changes: a rebuild then walks
    no folder (0.1-0.3 s of CPU per save at 1,000 courses). Never while the files are polled
    (``--poll``, or no watch to be had): the kernel here does not hear of those changes, so
    what it kept would be stale. The watcher starts once the first build is done, in the
    background (its first walk, about 0.4 s of CPU at 1,000 courses, is not on the way to the
    first page); the first build walks."""

    def __init__(self, root: Path, out: Path, stream: TextIO) -> None:
        self.root, self.out, self.stream = root, out, stream
        self.watcher: Watcher | None = None
        self.starting: threading.Thread | None = None
        #: set by ``close``: no watcher is started (or kept) after it
        self.closed = False
        self.lock = threading.Lock()
        #: why the watcher could not start (told by the next ``now``, from the build's thread)
        self.refused: str | None = None

    def start(self, polling: bool) -> None:
        """Start the watcher in the background (once; never while polling, nor once closed)."""
        with self.lock:
            if self.starting is None and not polling and not self.closed:
                self.starting = threading.Thread(target=self._start, daemon=True,
                                                 name="lmsctl-serve-files")
                self.starting.start()

    def _start(self) -> None:
        try:
            watcher = build_inputs.watch(self.root, self.out)
        except OSError as exc:  # the system's limits, or too many folders: the builds walk
            self.refused = why(exc)
            return
        with self.lock:
            if not self.closed:
                self.watcher, watcher = watcher, None
        if watcher is not None:  # closed meanwhile
            watcher.close()

    def join(self) -> None:
        """Wait for the watcher to be started (its watches made: taken from what the system
        gives before the preview's own watch asks again)."""
        if self.starting is not None:
            self.starting.join()

    def now(self, polling: bool) -> Snapshot | None:
        """The snapshot of now to build from (None: the build walks the folders)."""
        if polling:
            self.close()
        self.join()
        if self.refused is not None:
            self._note(f"the files cannot be watched for the builds ({self.refused})")
            self.refused = None
        if self.watcher is None:
            return None
        try:
            found = self.watcher.snapshot()
        except Exception as exc:  # noqa: BLE001 - a fault of the watcher: walk, build the save
            self._stop(f"{type(exc).__name__}: {exc}")
            return None
        if self.watcher.fd < 0:  # it could not start over (the system's limits): walk
            self._stop(why(self.watcher.error) if self.watcher.error else "its walk failed")
        return found

    def _stop(self, reason: str) -> None:
        """Close the watcher that failed, and say so: the builds walk from now on."""
        self.close()
        self._note(f"the watch of the files for the builds stopped ({reason})")

    def _note(self, text: str) -> None:
        self.stream.write(f"note: {text}; the builds walk the folders.\n")
        self.stream.flush()

    def close(self) -> None:
        with self.lock:
            self.closed = True
        self.join()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None


@contextlib.contextmanager
def _collecting_after() -> Iterator[None]:
    """No collection of cyclic garbage while a rebuild runs, one collection once it is over
    (the pages have reloaded by then). At 1,000 courses the collector walked the build's
    objects four times per save: 0.4-0.5 s of its 4 s; the build leaves few cycles (0.07 s
    to collect them after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()


OWNER = "owner.pid"  # in each preview folder: the process serving from it
ORPHAN_AGE = 60.0  # seconds: a folder without an owner file younger than this is being set up


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process (EPERM): alive
        return True
    return True


def _sweep_orphans(base: Path) -> None:
    """Delete the preview folders of ``serve`` processes that were killed (SIGKILL, a closed
    terminal) and so never cleaned up after themselves."""
    try:
        folders = [p for p in base.iterdir() if p.name.startswith("serve-") and p.is_dir()]
    except OSError:
        return
    for folder in folders:
        try:
            pid = int((folder / OWNER).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            try:
                young = time.time() - folder.stat().st_mtime < ORPHAN_AGE
            except OSError:
                continue
            if young:
                continue  # another serve is creating it right now
        else:
            if _alive(pid):
                continue
        shutil.rmtree(folder, ignore_errors=True)


def _serve_folder(root: Path) -> Path:
    """Where the preview is built: under .lmsctl/ (git-ignored) of the repository, on the
    file system of the build cache, so a rebuild links the pages it did not render instead of
    copying them; elsewhere if the repository cannot be written. Folders left by killed
    previews are deleted first."""
    try:
        base = root / ".lmsctl"
        base.mkdir(exist_ok=True)
        _sweep_orphans(base)
        folder = Path(tempfile.mkdtemp(prefix="serve-", dir=base))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="lmsctl-serve-"))
    (folder / OWNER).write_text(f"{os.getpid()}\n", encoding="ascii")
    return folder


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """``kill`` (SIGTERM) stops a preview like Ctrl+C does, so it deletes its folder. Only
    the main thread can take signals; elsewhere (tests) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(root: Path, course: str | None, port: int, drafts: bool, stream: TextIO,
          ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None, poll: bool = False) -> None:
    """Serve until interrupted (or until ``stop`` is set, for tests). ``ready`` is called
    with the URL once the server listens. ``poll``: look at the files for changes every
    ``POLL_INTERVAL`` rather than be told of them by the system."""
    if course is not None:
        load_preview(root, course)  # an unknown course id is a usage error, before serving
    config, _ = load_config(root)
    mount = urlsplit(config.site_url).path or "/"
    if not mount.endswith("/"):
        mount += "/"
    root = root.resolve()
    folder = _serve_folder(root)
    out = folder / "site"
    files = _Files(root, out, stream)
    status = BuildStatus()
    watched_ids: list[frozenset[str] | None] = [None]

    def update_watched_ids() -> None:
        if course is not None:
            watched_ids[0] = frozenset(p.name for p in watched_paths(root, course)
                                       if p.parent == root / "courses") | {course}

    def rebuild(workers: int | None = 1) -> None:
        """Build; after a save, in this process (``workers=1``: a few pages to render, and no
        fork of a process that serves with threads). Then, with --course, the courses it
        links to are looked up again (once the terminal has the outcome)."""
        try:
            with _collecting_after() if workers == 1 else contextlib.nullcontext():
                build_once(workers)
        finally:
            update_watched_ids()
        # after a build that ran to its end (not Ctrl+C): the next ones walk nothing
        files.start(server.polling)

    def build_once(workers: int | None) -> None:
        log = io.StringIO()
        files.join()  # its watches made before the preview's watch asks the system again
        server.rewatch()

        def swapped() -> None:
            status.set(False)
            server.published()

        try:
            result = build_site(root, out, course=course, drafts=drafts, workers=workers,
                                stdout=log, published=swapped,
                                files=files.now(server.polling))
        except LmsctlError as exc:
            text = log.getvalue() + f"error: {exc.message}\n" + (f"  hint: {exc.hint}\n"
                                                             if exc.hint else "")
            stream.write(text)
            stream.flush()
            status.set(True, text)
            if not (out / "index.html").exists() or (out / MARKER).read_text() == "placeholder\n":
                shutil.rmtree(out, ignore_errors=True)
                _failure_page(out, text)
            return
        except Exception as exc:  # noqa: BLE001 - keep serving; the terminal says why
            text = f"internal error while building: {type(exc).__name__}: {exc}\n"
            stream.write(text)
            status.set(True, text)
            return
        status.set(False)
        stream.write(log.getvalue() + f"Built {result.pages} pages ({result.rendered} "
                     f"rendered, the others from the build cache) in {result.seconds:.1f} s.\n")
        stream.flush()

    server = _server_class()(builder=rebuild, host=HOST, port=port, root=str(out),
                             mount_path=mount)
    server.status = status
    mkdocs_log = logging.getLogger("mkdocs.livereload")
    mkdocs_log.setLevel(logging.WARNING)
    closed = threading.Lock()

    def close() -> None:
        if closed.acquire(blocking=False):  # once, whoever asks first
            server.shutdown()

    try:
        with _stopped_by_sigterm():
            _serve_until_stopped(server, port, root, ready, stop, close, rebuild, stream,
                                 watched_ids, poll)
    except KeyboardInterrupt:
        stream.write("Stopped.\n")
    finally:
        close()
        files.close()
        shutil.rmtree(folder, ignore_errors=True)


def _serve_until_stopped(server: Any, port: int, root: Path, ready: Callable[[str], None] | None,
                         stop: threading.Event | None, close: Callable[[], None],
                         rebuild: Callable[..., None], stream: TextIO,
                         watched_ids: list[frozenset[str] | None], poll: bool) -> None:
    """Bind, build, watch and serve until stopped."""
    try:
        server.server_bind()
        server.server_activate()
    except OSError as exc:
        server.server_close()
        if exc.errno == errno.EADDRINUSE:
            raise LmsctlError(f"port {port} on {HOST} is already in use",
                              f"Stop the other server or pick another port: --port "
                              f"{port + 1}.") from exc
        raise
    # --port 0: the port the system chose
    server.url = f"http://{HOST}:{server.server_address[1]}{server.mount_path}"
    # watched from before the first build, so that no change made meanwhile is missed
    server.watch_repository(root, lambda path: is_watched(root, path, watched_ids[0]), stream,
                            poll)
    rebuild(workers=None)  # the first build renders every page: in parallel
    if ready is not None:
        ready(server.url)
    if stop is not None:
        def stopper() -> None:
            stop.wait()
            close()

        threading.Thread(target=stopper, daemon=True).start()
    server.serve()
