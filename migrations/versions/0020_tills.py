"""tills: stands at showrooms and fairs, their sales and returns, and their ledger entries

Revision ID: 0020_tills
Revises: 0019_partner_keys
Create Date: 2026-12-03 16:40:00.000000

A stand sale is not an order (no buyer, no address, no payment session), so a ledger entry
now comes from one of two sources: an online order (`order_id` and `facility_order_id`, as
before) or a stand sale (`stand_sale_id`, with its line or its return). A CHECK makes exactly
one source set, and partial unique indexes make a second posting of a stand sale line, or of a
return against the same entry, impossible, as 0010 does for orders.

Making `order_id` nullable rebuilds `ledger_entry` on SQLite (batch mode), and a rebuild drops
the table's triggers: the append-only triggers of 0010 are recreated here exactly as 0010 made
them. The indexes (the covering report indexes of 0017 included) and the column-level CHECK of
the channel are carried over by the rebuild, which reflects them; tests/test_migrations.py and
tests/test_migration_append_only.py check the result on both engines.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_tills"
down_revision = "0019_partner_keys"
branch_labels = None
depends_on = None

ONE_SOURCE = (
    "(stand_sale_id IS NULL AND order_id IS NOT NULL AND facility_order_id IS NOT NULL)"
    " OR (stand_sale_id IS NOT NULL AND order_id IS NULL AND facility_order_id IS NULL"
    " AND order_line_id IS NULL AND refund_id IS NULL)"
)
OLD_REASONS = (
    "initial", "produced", "sold_showroom", "sold_fair", "damaged", "correction", "imported",
    "sold_online", "released", "refund",
)  # fmt: skip
NEW_REASONS = (*OLD_REASONS, "sold_stand", "stand_return")
CHANNELS = "'online', 'showroom', 'event', 'b2b'"
APPEND_ONLY_HINT = "add a new entry (a refund or reversal) instead"
PG_TRIGGER = (
    "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
    f"FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change('{APPEND_ONLY_HINT}')"
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_ledger_triggers() -> None:
    if _is_sqlite():
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{operation}")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry")


def _create_ledger_triggers() -> None:
    """Exactly the triggers of 0010 (its PostgreSQL function is left in place)."""
    if not _is_sqlite():
        op.execute(PG_TRIGGER)
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER ledger_entry_no_{operation.lower()} BEFORE {operation} ON "
            f"ledger_entry BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: {operation} "
            f"refused; {APPEND_ONLY_HINT}'); END"
        )


def _allow_reasons(reasons: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{r}'" for r in reasons)
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stock_movement_stock_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_stock_movement_stock_reason"), f"reason IN ({listed})"
        )


def upgrade():
    op.create_table(
        "sale_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("place", sa.String(length=160), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("name <> '' AND place <> ''", name=op.f("ck_sale_event_named")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_sale_event_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_sale_event_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sale_event")),
        sa.UniqueConstraint("name", "starts_on", name=op.f("uq_sale_event_name_starts_on")),
    )
    op.create_table(
        "stand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "online",
                "showroom",
                "event",
                "b2b",
                name="sales_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "closed", name="stand_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("opening_cash_idr", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("expected_cash_idr", sa.BigInteger(), nullable=True),
        sa.Column("counted_cash_idr", sa.BigInteger(), nullable=True),
        sa.Column("cash_difference_idr", sa.BigInteger(), nullable=True),
        sa.Column("closing_note", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "(channel = 'event') = (event_id IS NOT NULL)",
            name=op.f("ck_stand_event_when_event_channel"),
        ),
        sa.CheckConstraint(
            "(status = 'open' AND closed_at IS NULL AND counted_cash_idr IS NULL) OR (status = 'closed' AND closed_at IS NOT NULL AND expected_cash_idr IS NOT NULL AND counted_cash_idr >= 0 AND cash_difference_idr = counted_cash_idr - expected_cash_idr)",
            name=op.f("ck_stand_closing_recorded"),
        ),
        sa.CheckConstraint("channel IN ('showroom', 'event')", name=op.f("ck_stand_till_channel")),
        sa.CheckConstraint("opening_cash_idr >= 0", name=op.f("ck_stand_float_not_negative")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_stand_closed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["sale_event.id"], name=op.f("fk_stand_event_id_sale_event")
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_stand_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user_account.id"],
            name=op.f("fk_stand_opened_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand")),
    )
    with op.batch_alter_table("stand", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stand_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stand_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index(
            "uq_stand_open_event",
            ["facility_id", "event_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open' AND event_id IS NOT NULL"),
            postgresql_where=sa.text("status = 'open' AND event_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_stand_open_showroom",
            ["facility_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open' AND event_id IS NULL"),
            postgresql_where=sa.text("status = 'open' AND event_id IS NULL"),
        )

    op.create_table(
        "stand_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stand_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("receipt_token", sa.String(length=43), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "recorded",
                "voided",
                "rejected",
                name="stand_sale_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("rejection", sa.String(length=300), nullable=False),
        sa.Column(
            "payment",
            sa.Enum(
                "cash",
                "qris",
                "transfer",
                "card",
                name="till_payment",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("payment_reference", sa.String(length=80), nullable=False),
        sa.Column("total_idr", sa.BigInteger(), nullable=False),
        sa.Column("cash_received_idr", sa.BigInteger(), nullable=True),
        sa.Column("returned_idr", sa.BigInteger(), nullable=False),
        sa.Column("sold_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sold_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection <> '')",
            name=op.f("ck_stand_sale_rejection_has_reason"),
        ),
        sa.CheckConstraint(
            "cash_received_idr IS NULL OR (payment = 'cash' AND cash_received_idr >= total_idr)",
            name=op.f("ck_stand_sale_cash_received_covers_total"),
        ),
        sa.CheckConstraint(
            "payment = 'cash' OR payment_reference <> ''",
            name=op.f("ck_stand_sale_reference_when_not_cash"),
        ),
        sa.CheckConstraint(
            "returned_idr >= 0 AND returned_idr <= total_idr",
            name=op.f("ck_stand_sale_returned_within_total"),
        ),
        sa.CheckConstraint("total_idr > 0", name=op.f("ck_stand_sale_total_positive")),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_stand_sale_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["sold_by_id"],
            ["user_account.id"],
            name=op.f("fk_stand_sale_sold_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stand_id"], ["stand.id"], name=op.f("fk_stand_sale_stand_id_stand")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand_sale")),
        sa.UniqueConstraint("client_id", name=op.f("uq_stand_sale_client_id")),
        sa.UniqueConstraint("number", name=op.f("uq_stand_sale_number")),
        sa.UniqueConstraint("receipt_token", name=op.f("uq_stand_sale_receipt_token")),
    )
    with op.batch_alter_table("stand_sale", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stand_sale_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stand_sale_stand_id"), ["stand_id"], unique=False)

    op.create_table(
        "stand_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("is_void", sa.Boolean(), nullable=False),
        sa.Column("amount_idr", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_stand_return_reason_required")),
        sa.CheckConstraint("amount_idr > 0", name=op.f("ck_stand_return_amount_positive")),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_stand_return_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["stand_sale.id"], name=op.f("fk_stand_return_sale_id_stand_sale")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand_return")),
    )
    with op.batch_alter_table("stand_return", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stand_return_sale_id"), ["sale_id"], unique=False)

    op.create_table(
        "stand_sale_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("product_name", sa.String(length=160), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("option_label", sa.String(length=80), nullable=False),
        sa.Column("unit_price_idr", sa.BigInteger(), nullable=False),
        sa.Column("unit_hpp_idr", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("returned_quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stand_sale_line_quantity_positive")),
        sa.CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity",
            name=op.f("ck_stand_sale_line_returned_within"),
        ),
        sa.CheckConstraint("unit_price_idr > 0", name=op.f("ck_stand_sale_line_price_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_stand_sale_line_category_id_category"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_stand_sale_line_product_id_product"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["stand_sale.id"], name=op.f("fk_stand_sale_line_sale_id_stand_sale")
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variant.id"],
            name=op.f("fk_stand_sale_line_variant_id_product_variant"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand_sale_line")),
    )
    with op.batch_alter_table("stand_sale_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stand_sale_line_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stand_sale_line_variant_id"), ["variant_id"], unique=False
        )

    _allow_reasons(NEW_REASONS)
    _drop_ledger_triggers()
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stand_sale_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("stand_sale_line_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("stand_return_id", sa.Integer(), nullable=True))
        batch_op.alter_column("order_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("facility_order_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_check_constraint(op.f("ck_ledger_entry_one_source"), ONE_SOURCE)
        batch_op.create_index(
            batch_op.f("ix_ledger_entry_stand_sale_id"), ["stand_sale_id"], unique=False
        )
        batch_op.create_index(
            "uq_ledger_entry_stand_return_of",
            ["stand_return_id", "reverses_entry_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'refund'"),
            postgresql_where=sa.text("kind = 'refund'"),
        )
        batch_op.create_index(
            "uq_ledger_entry_stand_sale_line",
            ["stand_sale_line_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'sale'"),
            postgresql_where=sa.text("kind = 'sale'"),
        )
        for column, table in (
            ("stand_sale_id", "stand_sale"),
            ("stand_sale_line_id", "stand_sale_line"),
            ("stand_return_id", "stand_return"),
        ):
            batch_op.create_foreign_key(
                f"fk_ledger_entry_{column}_{table}", table, [column], ["id"], ondelete="RESTRICT"
            )
    # After the batch operation: a SQLite table rebuild drops the triggers of the old table.
    _create_ledger_triggers()


def downgrade():
    # The till's entries cannot stay without their source tables: they go with them (the
    # append-only triggers are off for that moment, as for the rebuild).
    _drop_ledger_triggers()
    op.execute("DELETE FROM ledger_entry WHERE stand_sale_id IS NOT NULL")
    # On SQLite the rebuild turns 0017's column-level CHECK of the channel into a table-level
    # one, which SQLite's DROP COLUMN (0017's downgrade) refuses; given back as 0017 made it.
    channel = sa.Column(
        "channel",
        sa.String(8),
        sa.CheckConstraint(f"channel IN ({CHANNELS})", name=op.f("ck_ledger_entry_sales_channel")),
        nullable=False,
        server_default="online",
    )
    with op.batch_alter_table("ledger_entry", schema=None, reflect_args=[channel]) as batch_op:
        if _is_sqlite():
            batch_op.drop_constraint(op.f("ck_ledger_entry_sales_channel"), type_="check")
        for column, table in (
            ("stand_sale_id", "stand_sale"),
            ("stand_sale_line_id", "stand_sale_line"),
            ("stand_return_id", "stand_return"),
        ):
            batch_op.drop_constraint(f"fk_ledger_entry_{column}_{table}", type_="foreignkey")
        batch_op.drop_index("uq_ledger_entry_stand_sale_line")
        batch_op.drop_index("uq_ledger_entry_stand_return_of")
        batch_op.drop_index(batch_op.f("ix_ledger_entry_stand_sale_id"))
        batch_op.drop_constraint(op.f("ck_ledger_entry_one_source"), type_="check")
        batch_op.alter_column("facility_order_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("order_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("stand_return_id")
        batch_op.drop_column("stand_sale_line_id")
        batch_op.drop_column("stand_sale_id")
    _create_ledger_triggers()
    op.execute("DELETE FROM stock_movement WHERE reason IN ('sold_stand', 'stand_return')")
    _allow_reasons(OLD_REASONS)

    with op.batch_alter_table("stand_sale_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stand_sale_line_variant_id"))
        batch_op.drop_index(batch_op.f("ix_stand_sale_line_sale_id"))

    op.drop_table("stand_sale_line")
    with op.batch_alter_table("stand_return", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stand_return_sale_id"))

    op.drop_table("stand_return")
    with op.batch_alter_table("stand_sale", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stand_sale_stand_id"))
        batch_op.drop_index(batch_op.f("ix_stand_sale_facility_id"))

    op.drop_table("stand_sale")
    with op.batch_alter_table("stand", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_stand_open_showroom",
            sqlite_where=sa.text("status = 'open' AND event_id IS NULL"),
            postgresql_where=sa.text("status = 'open' AND event_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_stand_open_event",
            sqlite_where=sa.text("status = 'open' AND event_id IS NOT NULL"),
            postgresql_where=sa.text("status = 'open' AND event_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_stand_facility_id"))
        batch_op.drop_index(batch_op.f("ix_stand_event_id"))

    op.drop_table("stand")
    op.drop_table("sale_event")
