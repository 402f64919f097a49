from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from foresight.classification import ClassificationFileError, load_classification_file
from foresight.library import LibraryImportError, import_library


class Command(BaseCommand):
    help = (
        "Fill the capability-statement library from O*NET tasks, current IfATE duties "
        "and ESCO skills, and load the O*NET and ESCO occupations."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--data-dir", type=Path, default=None)
        parser.add_argument("--classification", type=Path, default=None)

    def handle(
        self, *args, data_dir: Path | None, classification: Path | None, **options
    ):
        data_dir = data_dir or Path(settings.REFERENCE_DATA_DIR)
        classification = classification or default_classification_path()
        try:
            data = load_classification_file(classification)
            area_dwas = {area["code"]: area["dwas"] for area in data["areas"]}
            counts = import_library(data_dir, area_dwas, progress=self.stdout.write)
        except (ClassificationFileError, LibraryImportError) as error:
            raise CommandError(str(error)) from None

        for name, count in counts.items():
            self.stdout.write(f"{name.replace('_', ' ')}: {count:,}")


def default_classification_path() -> Path:
    return Path(settings.BASE_DIR) / "foresight" / "data" / "classification.json"
