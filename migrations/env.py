"""Alembic environment for Flask-Migrate: batch mode for SQLite, types compared."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from shop.migration_support import alembic_options

config = context.config
if config.config_file_name and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


def configure_kwargs():
    return {"target_metadata": target_db.metadata, **alembic_options()}


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **configure_kwargs()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    connectable = target_db.engine
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            process_revision_directives=process_revision_directives,
            **configure_kwargs(),
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, *, on: bool) -> None:
    """SQLite rebuilds a table in a batch migration by dropping it, which its own foreign keys
    refuse while rows point at it (RESTRICT from the ledger): the checks are off while the
    migrations run, as SQLite's ALTER TABLE guide says, and the rows are checked afterwards."""
    connection.rollback()
    if on:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows with broken foreign keys: {broken[:10]}")
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
