"""Storage: SQLModel tables, the SQLite engine, migrations and the journal. No Textual here."""
