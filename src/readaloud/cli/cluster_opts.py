"""The `convert` options that run a batch on a Dask cluster (`--scheduler`, `--workers`)."""

from __future__ import annotations

import click

from ..cluster.connect import LOCAL, check_address
from ..paths import SCHEDULER_ENV


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return check_address(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def cluster_options(func):
    """Add --scheduler, --workers and --dashboard to a command."""
    func = click.option(
        "--dashboard",
        is_flag=True,
        help="With --scheduler: print the Dask dashboard's address once (so does --debug).",
    )(func)
    func = click.option(
        "--workers",
        type=click.IntRange(1, 1024),
        help="With --scheduler local: how many worker processes (default: one per core).",
    )(func)
    return click.option(
        "--scheduler",
        metavar="tcp://HOST:PORT|local",
        envvar=SCHEDULER_ENV,
        callback=_address,
        help=f"Run the batch on this Dask scheduler; 'local' starts a cluster here "
        f"(needs readaloud[cluster]; env {SCHEDULER_ENV}).",
    )(func)


def open_runner(scheduler: str | None, workers: int | None, *, dashboard: bool):
    """A DaskRunner for --scheduler (None without it); --workers only goes with 'local'.
    With `dashboard`, the dashboard's address is printed once on stderr."""
    if workers is not None and scheduler != LOCAL:
        raise click.UsageError("--workers needs --scheduler local (a remote cluster has its own).")
    if scheduler is None:
        return None
    from ..cluster import DaskRunner

    runner = DaskRunner.open(scheduler, workers=workers, dashboard=dashboard)
    if runner.connection.dashboard:
        click.echo(f"Dask dashboard: {runner.connection.dashboard}", err=True)
    return runner
