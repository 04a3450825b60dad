"""``lmsctl serve``: build into a temporary folder, serve it on 127.0.0.1, rebuild and reload the
browser when a watched file changes (MkDocs' live-reload server, used as a library).

A failed rebuild keeps the last good site on screen (the build is atomic) and prints the
problems; when even the first build fails, the browser shows them until they are fixed.
"""

from __future__ import annotations

import errno
import io
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from lmsctl.content.loader import load_config
from lmsctl.core.errors import LmsctlError
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site.pipeline import build_site, load_preview
from lmsctl.targets.site.publish import MARKER

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


def serve(root: Path, course: str | None, port: int, drafts: bool, stream: TextIO,
          ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None) -> None:
    """Serve until interrupted (or until ``stop`` is set, for tests). ``ready`` is called
    with the URL once the server listens."""
    from mkdocs.livereload import LiveReloadServer

    if course is not None:
        load_preview(root, course)  # an unknown course id is a usage error, before serving
    config, _ = load_config(root)
    mount = urlsplit(config.site_url).path or "/"
    if not mount.endswith("/"):
        mount += "/"
    folder = Path(tempfile.mkdtemp(prefix="lmsctl-serve-"))
    out = folder / "site"

    def rebuild() -> None:
        log = io.StringIO()
        try:
            result = build_site(root, out, course=course, drafts=drafts, workers=1,
                                stdout=log)
        except LmsctlError as exc:
            text = log.getvalue() + f"error: {exc.message}\n" + (f"  hint: {exc.hint}\n"
                                                             if exc.hint else "")
            stream.write(text)
            if not (out / "index.html").exists() or (out / MARKER).read_text() == "placeholder\n":
                shutil.rmtree(out, ignore_errors=True)
                _failure_page(out, text)
            return
        except Exception as exc:  # noqa: BLE001 - keep serving; the terminal says why
            stream.write(f"internal error while building: {type(exc).__name__}: {exc}\n")
            return
        stream.write(log.getvalue() + f"Built {result.pages} pages in {result.seconds:.1f} s.\n")
        stream.flush()

    server = LiveReloadServer(builder=rebuild, host=HOST, port=port, root=str(out),
                              mount_path=mount)
    mkdocs_log = logging.getLogger("mkdocs.livereload")
    mkdocs_log.setLevel(logging.WARNING)
    closed = threading.Lock()

    def close() -> None:
        if closed.acquire(blocking=False):  # once, whoever asks first
            server.shutdown()

    try:
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
        # serve() binds and listens itself: it is done already.
        server.server_bind = server.server_activate = lambda: None  # type: ignore[method-assign]
        rebuild()
        for path in watched_paths(root, course):
            server.watch(str(path))
        if ready is not None:
            ready(server.url)
        if stop is not None:
            def stopper() -> None:
                stop.wait()
                close()

            threading.Thread(target=stopper, daemon=True).start()
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        stream.write("Stopped.\n")
    finally:
        close()
        shutil.rmtree(folder, ignore_errors=True)
