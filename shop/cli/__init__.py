"""`flask shop ...`: the operator's commands."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from tqdm import tqdm

from shop.extensions import db
from shop.models import Product, Role
from shop.services import accounts
from shop.services.demo import seed
from shop.services.errors import DomainError
from shop.services.storage import storage_from_config

shop_cli = AppGroup("shop", help="Etalase commands: demo data, accounts, maintenance.")


@shop_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the catalogue has no products yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Add the demo facilities, products with photos, and one account per role."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Product)):
        click.echo("Katalog sudah berisi produk; data demo tidak ditambahkan.")
        _print_demo_logins()
        return
    storage = storage_from_config(current_app.config)
    with tqdm(total=seed.planned_product_count(), desc="Produk demo", unit="produk") as bar:
        report = seed.seed_demo(
            storage=storage,
            max_image_bytes=current_app.config["MAX_IMAGE_BYTES"],
            on_product=lambda: bar.update(1),
        )
    click.echo(
        f"Ditambahkan: {report.kanwil} Kanwil, {report.facilities} UPT, "
        f"{report.categories} kategori, {report.products} produk, {report.images} foto, "
        f"{report.users} akun."
    )
    _print_demo_logins()


def _print_demo_logins() -> None:
    click.echo(f"\nAkun demo (kata sandi untuk semua: {seed.DEMO_PASSWORD}):")
    for account in seed.DEMO_ACCOUNTS:
        scope = f" ({account.scope})" if account.scope else ""
        click.echo(f"  {account.role.value:<8} {account.email}{scope}")


@shop_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--facility", "facility_slug", help="Slug of the facility (staff only).")
@click.option("--kanwil", "kanwil_code", help="Code of the regional office (kanwil only).")
def create_user_command(
    email: str, name: str, role: str, facility_slug: str | None, kanwil_code: str | None
) -> None:
    """Create a back-office account. The password is prompted, or read from ETALASE_PASSWORD."""
    password = os.environ.get("ETALASE_PASSWORD") or click.prompt(
        "Kata sandi", hide_input=True, confirmation_prompt=True
    )
    try:
        user = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            facility_slug=facility_slug,
            kanwil_code=kanwil_code,
            actor_label="cli",
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Akun {user.email} ({user.role.value}) dibuat.")


@shop_cli.command("release-expired")
def release_expired_command() -> None:
    """Give back the stock of unpaid orders whose payment session expired without an event."""
    from shop.models.base import utcnow
    from shop.services.payments import expiry

    report = expiry.release_expired(now=utcnow())
    click.echo(
        f"Dilepas: {len(report.released_orders)} pesanan"
        + (f" ({', '.join(report.released_orders)})" if report.released_orders else "")
        + f"; dilewati: {len(report.skipped_orders)}."
    )
