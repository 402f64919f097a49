from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from foresight.classification import (
    ClassificationFileError,
    import_classification,
    load_classification_file,
)


def default_path() -> Path:
    return settings.BASE_DIR / "foresight" / "data" / "classification.json"


class Command(BaseCommand):
    help = (
        "Import the capability classification (functions, domains, areas) from its "
        "JSON file. Safe to run again: it only creates or updates what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="default: foresight/data/classification.json",
        )

    def handle(self, *args, path: Path | None = None, **options) -> None:
        path = path or default_path()
        try:
            data = load_classification_file(path)
        except ClassificationFileError as error:
            raise CommandError(str(error)) from None
        try:
            counts = import_classification(data)
        except ClassificationFileError as error:
            raise CommandError(f"{path}: {error}") from None

        self.stdout.write(
            f"Imported {path}: {counts['functions']} functions, {counts['domains']} "
            f"domains, {counts['areas']} areas; {counts['created']} created, "
            f"{counts['updated']} updated."
        )
        if counts["not_in_file"]:
            self.stdout.write(
                f"{counts['not_in_file']} domains or areas in the database are not in "
                "the file; they were left as they are."
            )
