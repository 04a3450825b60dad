"""The command-line reference (docs/cli.md), generated from the commands' own ``--help``, so the
documentation cannot drift from the code (a test compares the two)."""

from __future__ import annotations

import click


def render(group: click.Group) -> str:
    parts = [
        "# lmsctl command-line reference",
        "",
        "Generated from `lmsctl --help` by `python3 -m lmsctl.cli_reference`; do not edit.",
        "",
        "Exit codes: 0 ok, 1 findings or failed build, 2 usage error, 3 internal error.",
        "",
    ]
    settings = {"terminal_width": 100, "max_content_width": 100,
                "help_option_names": ["-h", "--help"]}
    root_ctx = click.Context(group, info_name="lmsctl", **settings)  # type: ignore[arg-type]
    parts += ["```text", group.get_help(root_ctx).rstrip(), "```", ""]
    parts += _commands(group, root_ctx, "lmsctl", settings)
    return "\n".join(parts)


def _commands(group: click.Group, parent: click.Context, prefix: str,
              settings: dict[str, object]) -> list[str]:
    """Each command's help, and each sub-command's after its group's (lmsctl analytics pull)."""
    parts: list[str] = []
    for name in sorted(group.list_commands(parent)):
        command = group.get_command(parent, name)
        if command is None:  # pragma: no cover - list_commands only names real commands
            continue
        ctx = click.Context(command, info_name=f"{prefix} {name}", parent=None,
                            **settings)  # type: ignore[arg-type]
        parts += [f"## {prefix} {name}", "", "```text", command.get_help(ctx).rstrip(), "```",
                  ""]
        if isinstance(command, click.Group):
            parts += _commands(command, ctx, f"{prefix} {name}", settings)
    return parts


def main() -> None:
    from pathlib import Path

    from lmsctl.cli import cli

    target = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    target.write_text(render(cli), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
