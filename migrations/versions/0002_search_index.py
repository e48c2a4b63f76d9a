"""search index: full-text over products, kept current by database triggers; product.published_at index

SQLite gets an FTS5 table whose rowid is the product id; PostgreSQL a table of tsvectors with a
GIN index. On both, triggers on product, product_variant, category, facility and workshop rewrite
the affected products' documents, so the index follows every change, whoever makes it (the back
office, the seed, a raw SQL fix). The text is lower-cased and accent-free on both sides and
never stemmed: Indonesian words stay whole, and prefix queries ("bati*") match as typed.

Revision ID: 0002
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0003"
branch_labels = None
depends_on = None

# The three indexed columns, on both databases: the name, the "tags" (category in both
# languages, workshop, facility and city, variant labels and SKUs) and the description.
SQLITE_DOCUMENT = """
    SELECT p.id, p.name,
        c.name || ' ' || c.name_en || ' ' || COALESCE(w.name, '') || ' ' || f.name || ' '
            || f.city || ' ' || COALESCE((SELECT group_concat(v.option_label || ' ' || v.sku, ' ')
                FROM product_variant v WHERE v.product_id = p.id), ''),
        p.description
    FROM product p
    JOIN category c ON c.id = p.category_id
    JOIN facility f ON f.id = p.facility_id
    LEFT JOIN workshop w ON w.id = p.workshop_id
"""


def _sqlite_refresh(where: str) -> str:
    """Statements rewriting the rows of the products selected by `where` (over `product p`)."""
    return (
        f"DELETE FROM product_search WHERE rowid IN (SELECT p.id FROM product p WHERE {where});\n"
        f"INSERT INTO product_search (rowid, name, tags, description) {SQLITE_DOCUMENT} "
        f"WHERE {where};"
    )


SQLITE_TRIGGERS = {
    "product_search_product_insert": (
        "AFTER INSERT ON product",
        _sqlite_refresh("p.id = NEW.id"),
    ),
    "product_search_product_update": (
        "AFTER UPDATE ON product",
        _sqlite_refresh("p.id = NEW.id"),
    ),
    "product_search_product_delete": (
        "AFTER DELETE ON product",
        "DELETE FROM product_search WHERE rowid = OLD.id;",
    ),
    "product_search_variant_insert": (
        "AFTER INSERT ON product_variant",
        _sqlite_refresh("p.id = NEW.product_id"),
    ),
    "product_search_variant_update": (
        "AFTER UPDATE ON product_variant",
        _sqlite_refresh("p.id IN (NEW.product_id, OLD.product_id)"),
    ),
    "product_search_variant_delete": (
        "AFTER DELETE ON product_variant",
        _sqlite_refresh("p.id = OLD.product_id"),
    ),
    "product_search_category_update": (
        "AFTER UPDATE OF name, name_en ON category",
        _sqlite_refresh("p.category_id = NEW.id"),
    ),
    "product_search_facility_update": (
        "AFTER UPDATE OF name, city ON facility",
        _sqlite_refresh("p.facility_id = NEW.id"),
    ),
    "product_search_workshop_update": (
        "AFTER UPDATE OF name ON workshop",
        _sqlite_refresh("p.workshop_id = NEW.id"),
    ),
}

POSTGRES_FUNCTIONS = """
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION product_search_refresh(ids integer[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM product_search WHERE product_id = ANY(ids)
        AND product_id NOT IN (SELECT id FROM product WHERE id = ANY(ids));
    INSERT INTO product_search (product_id, document)
    SELECT p.id,
        setweight(to_tsvector('simple', unaccent(p.name)), 'A')
        || setweight(to_tsvector('simple', unaccent(
            c.name || ' ' || c.name_en || ' ' || COALESCE(w.name, '') || ' ' || f.name || ' '
            || f.city || ' ' || COALESCE((SELECT string_agg(v.option_label || ' ' || v.sku, ' ')
                FROM product_variant v WHERE v.product_id = p.id), ''))), 'B')
        || setweight(to_tsvector('simple', unaccent(p.description)), 'D')
    FROM product p
    JOIN category c ON c.id = p.category_id
    JOIN facility f ON f.id = p.facility_id
    LEFT JOIN workshop w ON w.id = p.workshop_id
    WHERE p.id = ANY(ids)
    ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document;
$$;

CREATE FUNCTION product_search_from_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM product_search_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE FUNCTION product_search_from_variant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM product_search_refresh(ARRAY[OLD.product_id]);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM product_search_refresh(ARRAY[NEW.product_id, OLD.product_id]);
    ELSE
        PERFORM product_search_refresh(ARRAY[NEW.product_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION product_search_from_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM product_search_refresh(ARRAY(
        SELECT id FROM product WHERE
            CASE TG_TABLE_NAME
                WHEN 'category' THEN category_id = NEW.id
                WHEN 'facility' THEN facility_id = NEW.id
                ELSE workshop_id = NEW.id
            END));
    RETURN NULL;
END $$;
"""

POSTGRES_TRIGGERS = {
    "product_search_product": "AFTER INSERT OR UPDATE ON product FOR EACH ROW "
    "EXECUTE FUNCTION product_search_from_product()",
    "product_search_variant": "AFTER INSERT OR UPDATE OR DELETE ON product_variant FOR EACH ROW "
    "EXECUTE FUNCTION product_search_from_variant()",
    "product_search_category": "AFTER UPDATE OF name, name_en ON category FOR EACH ROW "
    "EXECUTE FUNCTION product_search_from_parent()",
    "product_search_facility": "AFTER UPDATE OF name, city ON facility FOR EACH ROW "
    "EXECUTE FUNCTION product_search_from_parent()",
    "product_search_workshop": "AFTER UPDATE OF name ON workshop FOR EACH ROW "
    "EXECUTE FUNCTION product_search_from_parent()",
}


def upgrade():
    # The catalogue's default order (newest first) walks this index instead of sorting.
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_published_at"), ["published_at"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE product_search USING fts5("
            "name, tags, description, tokenize = 'unicode61 remove_diacritics 2')"
        )
        for name, (when, body) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN\n{body}\nEND")
        op.execute(f"INSERT INTO product_search (rowid, name, tags, description) {SQLITE_DOCUMENT}")
        return
    op.execute(
        "CREATE TABLE product_search ("
        " product_id integer PRIMARY KEY REFERENCES product (id) ON DELETE CASCADE,"
        " document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX product_search_document ON product_search USING gin (document)")
    op.execute(POSTGRES_FUNCTIONS)
    for name, definition in POSTGRES_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")
    op.execute("SELECT product_search_refresh(ARRAY(SELECT id FROM product))")


def downgrade():
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_published_at"))
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS product_search")
        return
    for name, definition in POSTGRES_TRIGGERS.items():
        table = definition.split(" ON ")[1].split(" ")[0]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute("DROP TABLE IF EXISTS product_search")
    for function in (
        "product_search_from_parent()",
        "product_search_from_variant()",
        "product_search_from_product()",
        "product_search_refresh(integer[])",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
