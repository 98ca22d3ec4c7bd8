"""A bare click program with ten no-op subcommands: the start-up floor for a click CLI."""

import click


@click.group()
@click.option("--verbose", is_flag=True, help="Print more.")
def cli(verbose: bool) -> None:
    """Manage nothing, quickly (benchmark reference for `docmgr --help`)."""


def _noop(name: str) -> None:
    @cli.command(name, help=f"Do nothing ({name}).")
    @click.option("--ticket", help="Ticket id.")
    @click.option("--output", type=click.Choice(["table", "json"]), default="table")
    def command(ticket: str | None, output: str) -> None:
        """Do nothing."""


for _name in (
    "init",
    "ticket",
    "doc",
    "task",
    "changelog",
    "diary",
    "search",
    "doctor",
    "meta",
    "status",
):
    _noop(_name)

if __name__ == "__main__":
    cli()
