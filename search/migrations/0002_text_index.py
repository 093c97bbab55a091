"""The text half of the database backend's index, in each database's own full-text engine.

PostgreSQL: `head` (title, summary, place, themes) and `vector` (everything, weighted A-D)
tsvector columns, each with a GIN index. `vector` is stored out of line and uncompressed
(TOAST, EXTERNAL) so the table scanned for facet counts stays narrow; `head` is stored inline
and uncompressed (PLAIN) because ranking reads it for every match: compressed, ranking a
common word took four times as long. So are the facet columns (INLINE_COLUMNS). Its inputs are bounded (title, summary, place, at most
HEAD_THEMES themes), so it always fits in a row.
SQLite: an FTS5 table keyed by page id, emptied by a trigger when a document row goes."""

from django.db import migrations

TABLE = "search_casesearchdocument"
# Never compressed or moved out of line: with a 512-byte row target the toaster would
# otherwise move even the three-number indicator lists out, and every facet count would read
# them back from the TOAST table (measured: ten times slower).
INLINE_COLUMNS = (
    "language",
    "country",
    "region",
    "government_level",
    "indicators",
    "dimensions",
    "sdgs",
    "head",
)

POSTGRES_FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN head tsvector NOT NULL DEFAULT ''::tsvector",
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector",
    f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE EXTERNAL",
    *(
        f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STORAGE PLAIN"
        for column in INLINE_COLUMNS
    ),
    f"ALTER TABLE {TABLE} SET (toast_tuple_target = 512)",
    f"CREATE INDEX search_case_vector ON {TABLE} USING gin (vector)",
    f"CREATE INDEX search_case_head ON {TABLE} USING gin (head)",
    f"CREATE INDEX search_case_indicators ON {TABLE} USING gin (indicators)",
    f"CREATE INDEX search_case_dimensions ON {TABLE} USING gin (dimensions)",
    f"CREATE INDEX search_case_sdgs ON {TABLE} USING gin (sdgs)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_case_vector",
    "DROP INDEX IF EXISTS search_case_head",
    "DROP INDEX IF EXISTS search_case_indicators",
    "DROP INDEX IF EXISTS search_case_dimensions",
    "DROP INDEX IF EXISTS search_case_sdgs",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS head",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
]
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(title, summary, extra, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {TABLE}_fts_delete AFTER DELETE ON {TABLE} BEGIN "
    f"DELETE FROM {TABLE}_fts WHERE rowid = old.page_id; END",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_delete",
    f"DROP TABLE IF EXISTS {TABLE}_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
