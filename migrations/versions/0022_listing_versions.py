"""listing versions: Kanwil, workshop names and variant labels change the catalogue's token

Revision ID: 0022_listing_versions
Revises: 0021_quotes
Create Date: 2026-12-04 18:45:00.000000

Public listings (a catalogue page's rows, a search's ranking, the facility directory) are now
kept per catalogue token, so every table whose rows they show or search must change it: a
Kanwil's name and code (the directory, the Kanwil filter), a workshop's name and a variant's
label and SKU (both in the search document). A variant's stock does not: it changes with every
sale, and listings filtered by stock are read each time. New triggers only; no table changes.
"""

from alembic import op

revision = "0022_listing_versions"
down_revision = "0021_quotes"
branch_labels = None
depends_on = None

# (trigger name, table, events) for both engines; `catalogue_version_bump()` is migration 0014's.
TRIGGERS = (
    ("catalogue_version_kanwil", "kanwil", ("INSERT", "UPDATE", "DELETE")),
    ("catalogue_version_workshop", "workshop", ("INSERT", "UPDATE OF name", "DELETE")),
    (
        "catalogue_version_variant",
        "product_variant",
        ("INSERT", "UPDATE OF option_label, sku", "DELETE"),
    ),
)
_SQLITE_BUMP = (
    "INSERT OR REPLACE INTO catalogue_version (id, token) VALUES (1, lower(hex(randomblob(8))));"
)


def _sqlite_name(name: str, event: str) -> str:
    return f"{name}_{event.split()[0].lower()}"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name, table, events in TRIGGERS:
            for event in events:
                op.execute(
                    f"CREATE TRIGGER {_sqlite_name(name, event)} AFTER {event} ON {table} "
                    f"BEGIN\n{_SQLITE_BUMP}\nEND"
                )
        return
    for name, table, events in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} AFTER {' OR '.join(events)} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_bump()"
        )


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, table, events in TRIGGERS:
        if sqlite:
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(name, event)}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
