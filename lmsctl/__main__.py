"""The console script ``lmsctl`` (and ``python -m lmsctl``).

It is kept tiny so that Ctrl+C while the rest of lmsctl is still being imported is an
"Aborted!" and exit 130 too, like everywhere else, rather than a traceback."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType


def _abort_during_startup(signum: int, frame: FrameType | None) -> None:
    with contextlib.suppress(OSError):
        os.write(2, b"\nAborted!\n")
    os._exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _abort_during_startup)
    from lmsctl.cli import main as cli_main  # restores the usual Ctrl+C handling first

    cli_main()


if __name__ == "__main__":
    sys.argv[0] = "lmsctl"
    main()
