"""The central migration creates what the queries' table definitions say, and is repeatable."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from floorman.data.central import tables
from floorman.data.central.schema import applied, heads, migrate


def test_migrated_tables_match_the_table_definitions(pg_cluster, central_template):
    engine = create_engine(pg_cluster.admin_url(central_template))
    try:
        found = inspect(engine)
        for table in tables.metadata.sorted_tables:
            columns = {c["name"]: c["nullable"] for c in found.get_columns(table.name)}
            assert columns == {c.name: c.nullable for c in table.columns}, table.name
            primary = found.get_pk_constraint(table.name)["constrained_columns"]
            assert primary == [c.name for c in table.primary_key.columns], table.name
        assert applied(engine) == heads()
    finally:
        engine.dispose()


def test_migrating_again_changes_nothing(central):
    migrate(central.admin)
    assert applied(central.admin) == heads() == {"c003"}
