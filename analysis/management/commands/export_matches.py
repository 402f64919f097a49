import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analysis.models import MatchRun, RunStatus
from analysis.tables import ORGANISATIONAL_COLUMNS, organisational_capabilities


class Command(BaseCommand):
    help = "Write a complete match run's organisational capabilities table as CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("run", type=int, help="The match run's id.")
        parser.add_argument("path", type=Path, help="Where to write the CSV.")

    def handle(self, *args, run: int, path: Path, **options) -> None:
        found = MatchRun.objects.filter(pk=run).select_related("cycle").first()
        if found is None:
            raise CommandError(f"No match run with id {run}.")
        if found.status != RunStatus.COMPLETE:
            raise CommandError(f"Match run {run} is {found.status}, not complete.")
        if not path.parent.is_dir():
            raise CommandError(f"{path}: the folder does not exist.")

        rows = organisational_capabilities(found)
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(ORGANISATIONAL_COLUMNS)
            writer.writerows(row.as_csv() for row in rows)
        served = sum(row.served for row in rows)
        self.stdout.write(
            f"Wrote {len(rows)} capabilities ({served} served) to {path}."
        )
