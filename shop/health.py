"""`/healthz`: whether the database answers and which migration it is at."""

from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger("etalase.health")


def migration_head() -> str | None:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    head = migration_head()
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("health check failed: %s", error)
        return jsonify(status="error", database="unavailable", migration={"head": head}), 503
    status = "ok" if current == head else "migrations_pending"
    return (
        jsonify(status=status, database="ok", migration={"current": current, "head": head}),
        200 if status == "ok" else 503,
    )
