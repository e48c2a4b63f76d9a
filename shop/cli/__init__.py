"""`flask shop ...`: the operator's commands."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import event, func, select
from tqdm import tqdm

from shop.accounts import users as accounts
from shop.catalogue import images, importing, photo_files
from shop.core import clock, unit_of_work
from shop.core.errors import DomainError
from shop.core.storage import private_key, storage_from_config
from shop.demo import sales, seed
from shop.extensions import db
from shop.models import Facility, PhotoProcessing, Product, ProductImage, Role

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
    # Hundreds of audit lines would bury the progress bar; the events are still written.
    logging.getLogger("etalase.audit").setLevel(logging.WARNING)
    steps = seed.planned_product_count() + sales.remaining_order_count()
    with _unsynced_sqlite(), tqdm(total=steps, desc="Produk demo", unit="langkah") as bar:

        def next_order() -> None:
            bar.set_description("Riwayat penjualan demo", refresh=False)
            bar.update(1)

        report = seed.seed_demo(
            storage=storage,
            max_image_bytes=current_app.config["MAX_IMAGE_BYTES"],
            on_product=lambda: bar.update(1),
            on_order=next_order,
        )
    click.echo(
        f"Ditambahkan: {report.kanwil} Kanwil, {report.facilities} UPT, "
        f"{report.categories} kategori, {report.products} produk, {report.images} foto, "
        f"{report.users} akun, {report.orders} pesanan."
    )
    _print_demo_logins()


@contextmanager
def _unsynced_sqlite() -> Iterator[None]:
    """On SQLite, commit without waiting for the disk while the demo is written.

    The year of demo sales goes through checkout, payment and fulfilment like real orders, a
    few thousand commits; each waited for an fsync, which was most of a first start. Only a
    crash of the machine itself during seeding could lose data, and the demo is simply
    seeded again then (delete instance/etalase.db). Other databases are left as they are.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        yield
        return

    def unsynced(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    event.listen(engine, "connect", unsynced)
    db.session.remove()
    engine.dispose()
    try:
        yield
    finally:
        db.session.remove()
        event.remove(engine, "connect", unsynced)
        engine.dispose()


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
        unit_of_work.rollback()
        raise click.ClickException(str(error)) from None
    unit_of_work.commit()
    click.echo(f"Akun {user.email} ({user.role.value}) dibuat.")


@shop_cli.command("rebuild-images")
@click.option("--widths", help="Comma-separated widths; default: images.RENDITION_WIDTHS.")
def rebuild_images_command(widths: str | None) -> None:
    """Make every photo's renditions again from its master, after the sizes changed."""
    try:
        sizes = tuple(int(w) for w in widths.split(",")) if widths else images.RENDITION_WIDTHS
    except ValueError:
        raise click.BadParameter("widths: numbers separated by commas, e.g. 320,640") from None
    storage = storage_from_config(current_app.config)
    # A photo still processing gets the new sizes from its job.
    ready = select(ProductImage.id).where(ProductImage.processing == PhotoProcessing.READY)
    ids = list(db.session.scalars(ready.order_by(ProductImage.id)))
    failed = 0
    for image_id in tqdm(ids, desc="Foto", unit="foto"):
        image = db.session.get(ProductImage, image_id)
        try:
            renditions = images.rebuild_renditions(storage.read(image.master_key), widths=sizes)
        except Exception as error:  # one broken file must not stop the others
            failed += 1
            tqdm.write(f"Foto {image_id}: {error}")
            continue
        stored = images.store_renditions(
            storage, renditions, public=photo_files.should_be_public(image)
        )
        old_keys = {r["key"] for r in image.renditions} - {r["key"] for r in stored}
        image.renditions = stored
        unit_of_work.commit()
        for key in old_keys:
            storage.delete(key)
            storage.delete(private_key(key))
    click.echo(f"{len(ids) - failed} foto dibuat ulang, {failed} gagal.")
    if failed:
        raise SystemExit(1)


@shop_cli.command("sync-photos")
def sync_photos_command() -> None:
    """Put every photo's files where its review state says: a private copy always, a public one
    only while approved. Migration 0009 runs this once; run it again after a crash or restore."""
    storage = storage_from_config(current_app.config)
    ids = list(db.session.scalars(select(ProductImage.id).order_by(ProductImage.id)))
    for start in tqdm(range(0, len(ids), 200), desc="Foto", unit="200 foto"):
        batch = db.session.scalars(
            select(ProductImage).where(ProductImage.id.in_(ids[start : start + 200]))
        ).all()
        photo_files.sync(storage, batch)
        db.session.expunge_all()
    click.echo(f"{len(ids)} foto ditempatkan.")


@shop_cli.command("import-products")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--images",
    "images_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Folder holding the photos named in the CSV's photos column.",
)
@click.option("--facility", "facility_slug", required=True, help="Slug of the facility.")
def import_products_command(csv_file: str, images_dir: str | None, facility_slug: str) -> None:
    """Import products from a CSV (one row per variant), all or nothing."""
    facility = db.session.scalar(select(Facility).where(Facility.slug == facility_slug))
    if facility is None:
        raise click.ClickException(f"UPT dengan slug '{facility_slug}' tidak ditemukan.")
    with open(csv_file, "rb") as handle:
        data = handle.read()
    total = max(len(data.splitlines()) - 1, 0)
    source = importing.folder_source(images_dir) if images_dir else (lambda _name: None)
    try:
        with tqdm(total=total, desc="Produk", unit="produk") as bar:
            report = importing.import_products(
                facility=facility,
                csv_bytes=data,
                photo_source=source,
                actor=None,
                actor_label="cli",
                storage=storage_from_config(current_app.config),
                max_image_bytes=current_app.config["MAX_IMAGE_BYTES"],
                now=clock.now(),
                on_step=lambda: bar.update(1),
            )
    except importing.ImportFailed as failure:
        unit_of_work.rollback()
        for error in failure.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(str(failure)) from None
    except DomainError as error:
        unit_of_work.rollback()
        raise click.ClickException(str(error)) from None
    unit_of_work.commit()
    click.echo(
        f"Diimpor ke {facility.name}: {report.products} produk, {report.variants} varian, "
        f"{report.photos} foto (draf, menunggu pengajuan)."
    )


@shop_cli.command("release-expired")
def release_expired_command() -> None:
    """Give back the stock of unpaid orders whose payment session expired without an event,
    and send the refunds that waited for the gateway."""
    from shop.core import clock
    from shop.payments import expiry

    report = expiry.release_expired(now=clock.now())
    click.echo(
        f"Dilepas: {len(report.released_orders)} pesanan"
        + (f" ({', '.join(report.released_orders)})" if report.released_orders else "")
        + f"; dilewati: {len(report.skipped_orders)}"
        + f"; pengembalian dana terkirim: {len(report.refunds_sent)}."
    )


# Registers `flask shop reconcile`, `flask shop scheduler` and `flask shop run-schedule`.
from shop.cli import reconcile, schedule  # noqa: E402,F401


@shop_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests and cron).")
def worker_command(burst: bool) -> None:
    """Run a background-job worker on the RQ queue in REDIS_URL (run as many as you need)."""
    from rq import Worker

    from shop.jobs import engine

    if not current_app.config["REDIS_URL"]:
        raise click.ClickException(
            "REDIS_URL belum diatur: tanpa Redis, pekerjaan latar berjalan di proses web."
        )
    queue = engine.queue()
    Worker([queue], connection=queue.connection, serializer=queue.serializer).work(
        burst=burst, with_scheduler=True
    )
