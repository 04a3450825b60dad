"""Start Ralph's LRS for ``lmsctl lrs``: run in Ralph's environment (``python -m
lmsctl.lrs.ralph_boot``), so it imports only the standard library, Ralph and its dependencies
(bcrypt, uvicorn), never the rest of lmsctl.

1. writes Ralph's auth file (bcrypt hashes) from the accounts in ``credentials.json``;
2. checks that Ralph finds the ``lmsctl_fs`` backend through its entry point;
3. runs Ralph's API (``ralph.api:app``) with uvicorn on the host and port given.

Ralph reads everything else from the ``RALPH_*`` environment that ``lmsctl lrs`` sets.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

#: The home page of the accounts' agents (a statement's ``authority``).
AUTHORITY_HOME = "https://lmsctl.dev/lrs"


#: The passwords are random 144-bit tokens (lmsctl.lrs.server.accounts), which no number of
#: bcrypt rounds makes harder to guess; few rounds keep every first request of a session fast.
BCRYPT_ROUNDS = 6


def write_auth_file(credentials: Path, auth_file: Path) -> None:
    """Ralph's auth file for the accounts in ``credentials`` (kept when it still matches)."""
    import bcrypt

    accounts: list[dict[str, Any]] = json.loads(credentials.read_text(encoding="utf-8"))
    try:
        current = {u["username"]: u for u in json.loads(auth_file.read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError, KeyError):
        current = {}
    entries = []
    for account in accounts:
        known = current.get(account["username"])
        if (known and known.get("scopes") == account["scopes"]
                and known.get("agent", {}).get("account", {}).get("homePage") == AUTHORITY_HOME
                and bcrypt.checkpw(account["password"].encode(), known["hash"].encode())):
            entries.append(known)
            continue
        entries.append({
            "agent": {"objectType": "Agent", "name": account["username"],
                      "account": {"homePage": AUTHORITY_HOME, "name": account["username"]}},
            "scopes": account["scopes"],
            "hash": bcrypt.hashpw(account["password"].encode(),
                                  bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode(),
            "username": account["username"],
        })
    tmp = auth_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, auth_file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lmsctl.lrs.ralph_boot")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--credentials", type=Path, required=True)
    args = parser.parse_args(argv)

    auth_file = Path(os.environ["RALPH_AUTH_FILE"])
    write_auth_file(args.credentials, auth_file)

    from ralph.backends.loader import get_lrs_backends

    from lmsctl.lrs.ralph_backend import NAME

    if NAME not in get_lrs_backends():
        print(f"error: Ralph does not find its '{NAME}' backend through the ralph.backends.lrs "
              "entry point.\n  hint: this is a bug in lmsctl lrs; please report it with the "
              "output of `pip list` in Ralph's environment.", file=sys.stderr)
        return 3

    import uvicorn

    uvicorn.run("ralph.api:app", host=args.host, port=args.port, log_level="warning",
                access_log=False, proxy_headers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
