"""The index row points at wagtailcore.Page (search names no domain model; the indexer that
registered the document type says which pages it holds), the spelling vocabulary, and on
SQLite an FTS5 table of text stemmed per document language (search/text.py) with one column
per weight (A title, B summary/place/themes, C body, D the rest). Run
`manage.py rebuild_search_index` after migrating: the SQLite text index starts empty."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "search_casesearchdocument"

SQLITE_FORWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_delete",
    f"DROP TABLE IF EXISTS {TABLE}_fts",
    # Stemming is done before FTS5 sees the text; diacritics are kept, as PostgreSQL keeps them.
    f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(a, b, c, d, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {TABLE}_fts_delete AFTER DELETE ON {TABLE} BEGIN "
    f"DELETE FROM {TABLE}_fts WHERE rowid = old.page_id; END",
    f"DELETE FROM {TABLE}",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_delete",
    f"DROP TABLE IF EXISTS {TABLE}_fts",
    f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(title, summary, extra, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {TABLE}_fts_delete AFTER DELETE ON {TABLE} BEGIN "
    f"DELETE FROM {TABLE}_fts WHERE rowid = old.page_id; END",
    f"DELETE FROM {TABLE}",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_text_index"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casesearchdocument",
            name="page",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="+",
                serialize=False,
                to="wagtailcore.page",
            ),
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("term", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("key", models.CharField(max_length=40)),
                ("first", models.CharField(max_length=1)),
                ("size", models.PositiveSmallIntegerField()),
                ("document_count", models.PositiveIntegerField(default=1)),
            ],
            options={
                "verbose_name": "search term",
                "verbose_name_plural": "search terms",
                "indexes": [
                    models.Index(fields=["first", "size"], name="search_term_first_size")
                ],
            },
        ),
        migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD)),
    ]
