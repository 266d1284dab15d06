"""The ``skillgap`` command: one entry point, subcommands that are thin wrappers over functions.

The commands of each package live in ``app.commands.<package>`` (a ``register(app, groups)``
function), imported here by name: the packages themselves know nothing of the CLI. User errors
print one line and exit with code 2.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from skillgap.errors import UserError


class SkillgapGroup(TyperGroup):
    """The root command: a ``UserError`` of any subcommand prints ``erreur : …`` on one line (stderr)
    and exits with code 2, under ``main()`` as under typer's ``CliRunner``."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as e:
            typer.echo(f"erreur : {e}", err=True)
            raise typer.Exit(2) from e


app = typer.Typer(
    cls=SkillgapGroup,
    name="skillgap",
    help="skillgap : compétences demandées dans les offres d'emploi, couverture par les blocs RNCP, "
    "modules complémentaires et signaux faibles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
#: shared command groups, filled by the packages
groups: dict[str, typer.Typer] = {
    "eval": typer.Typer(help="Mesures de qualité (dernière ligne : un objet JSON).", no_args_is_help=True),
    "bench": typer.Typer(help="Mesures de débit (dernière ligne : un objet JSON).", no_args_is_help=True),
}
for _name, _group in groups.items():
    app.add_typer(_group, name=_name)


@app.callback()
def _main_options(verbose: bool = typer.Option(False, "--verbose", "-v", help="Journal détaillé.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def build_app() -> typer.Typer:
    from app import demo
    from app.commands import analysis, api, crawler, module_drafts, nlp, referentials, reports, scale, signals, training

    app.command("demo")(demo.demo)
    for commands in (referentials, crawler, nlp, training, analysis, signals, api, reports, module_drafts, scale):
        commands.register(app, groups)
    return app


def main() -> None:
    """Console entry point."""
    build_app()(standalone_mode=True)  # SkillgapGroup turns a UserError into « erreur : … », exit 2
