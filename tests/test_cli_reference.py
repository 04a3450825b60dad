"""docs/cli.md is generated from the commands' --help: it must not drift from the code."""

from __future__ import annotations

from pathlib import Path

from lmsctl.cli import cli
from lmsctl.cli_reference import render

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(cli), "run: .venv/bin/python -m lmsctl.cli_reference"


def test_every_command_and_option_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    import click

    commands = list(cli.commands.items())
    for name, command in commands:
        assert f"## lmsctl {name}" in text
        if isinstance(command, click.Group):  # lmsctl analytics pull, ...
            commands += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, (name, opt)
