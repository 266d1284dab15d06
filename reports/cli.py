"""Commands of this package (registered on the skillgap CLI)."""

import typer


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI."""
