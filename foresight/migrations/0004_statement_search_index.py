from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("text", config="english"), name="statement_text_search")


def add_index(apps, schema_editor):
    # Full-text search runs on PostgreSQL only; SQLite searches with a plain contains.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(
            apps.get_model("foresight", "CapabilityStatement"), INDEX
        )


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("foresight", "CapabilityStatement"), INDEX
        )


class Migration(migrations.Migration):
    dependencies = [("foresight", "0003_domain_code_statement_source")]

    operations = [migrations.RunPython(add_index, remove_index)]
