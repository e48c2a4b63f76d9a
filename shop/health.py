"""`/healthz`: whether the database answers, which migration it is at, and (when a scheduler is
expected, that is with REDIS_URL) whether the scheduled tasks ran in time.

A stale schedule is reported in the body (`schedule.status` "stale", naming the tasks) while the
answer stays 200: the web server itself is fine, and a load balancer must not take every app
server out because the scheduler stopped. Monitoring alerts on the field.
"""

from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shop.core import clock
from shop.extensions import db
from shop.jobs import schedule

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
    body: dict[str, object] = {
        "status": status,
        "database": "ok",
        "migration": {"current": current, "head": head},
    }
    if current_app.config["REDIS_URL"] and status == "ok":
        body["schedule"] = schedule.state(now=clock.now())
    return jsonify(body), 200 if status == "ok" else 503
