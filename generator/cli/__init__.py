"""The `insights` command: the only click user."""

from generator.cli.commands import main

__all__ = ["main"]
