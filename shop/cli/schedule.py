"""`flask shop scheduler` and `flask shop run-schedule`: scheduled tasks, with or without Redis."""

from __future__ import annotations

import click
from flask import current_app

from shop import jobs
from shop.cli import shop_cli
from shop.core import clock
from shop.jobs import schedule


@shop_cli.command("scheduler")
def scheduler_command() -> None:
    """Put the scheduled tasks on the job queue at their intervals (RQ cron; needs REDIS_URL)."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException(
            "REDIS_URL belum diatur: tanpa Redis, jalankan `flask shop run-schedule` berkala."
        )
    schedule.scheduler().start()


@shop_cli.command("run-schedule")
@click.argument("tasks", nargs=-1, type=click.Choice(sorted(schedule.TASKS)))
def run_schedule_command(tasks: tuple[str, ...]) -> None:
    """Run the scheduled tasks that are due (or the ones named) here and now."""
    chosen = [schedule.TASKS[name] for name in tasks] or schedule.due(now=clock.now())
    failed = []
    for task in chosen:
        try:
            jobs.perform(schedule.RUN_JOB, {"task": task.name})
        except Exception as error:
            failed.append(task.name)
            click.echo(f"{task.name}: gagal ({error})", err=True)
        else:
            click.echo(f"{task.name}: selesai")
    if not chosen:
        click.echo("Tidak ada tugas terjadwal yang jatuh tempo.")
    if failed:
        raise click.ClickException(f"gagal: {', '.join(failed)}")
