from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analysis.ifate import IfateImportError, default_export_path, import_ifate


class Command(BaseCommand):
    help = (
        "Import the IfATE apprenticeship standards export (all versions, with "
        "duties and KSBs), updating what is there in place."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="plain or gzipped JSON export; default: the reference data's copy",
        )

    def handle(self, *args, path: Path | None, **options) -> None:
        path = path or default_export_path()
        try:
            counts = import_ifate(path)
        except IfateImportError as error:
            raise CommandError(str(error)) from None

        self.stdout.write(f"Imported {path}")
        for name, label in [
            ("standards", "standards"),
            ("versions", "versions"),
            ("duties", "duties"),
            ("ksbs", "KSBs"),
        ]:
            self.stdout.write(f"{label}: {counts[name]:,} ({changes(counts, name)})")
        self.stdout.write(
            f"current provision: {counts['current_versions']:,} versions approved "
            f"for delivery, with {counts['current_duties']:,} duties"
        )


def changes(counts: dict[str, int], name: str) -> str:
    verbs = ("created", "updated", "deleted")
    return ", ".join(
        f"{counts[f'{name}_{verb}']:,} {verb}"
        for verb in verbs
        if f"{name}_{verb}" in counts
    )
