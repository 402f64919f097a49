from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foresight.models import Cycle
from foresight.transfer import TransferError, dumps, export_cycle


class Command(BaseCommand):
    help = (
        "Write a whole cycle (set-up, members, workshops, profiles, match runs, "
        "actions) to a JSON file that import_cycle reads in another installation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cycle", type=int, help="The cycle's id.")
        parser.add_argument("path", type=Path, help="Where to write the JSON.")

    def handle(self, *args, cycle: int, path: Path, **options) -> None:
        found = Cycle.objects.filter(pk=cycle).first()
        if found is None:
            raise CommandError(f"No cycle with id {cycle}.")
        if not path.parent.is_dir():
            raise CommandError(f"{path}: the folder does not exist.")

        try:
            document = export_cycle(found)
        except TransferError as error:
            raise CommandError(str(error)) from None
        try:
            path.write_text(dumps(document), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: cannot be written ({error}).") from None
        self.stdout.write(
            f"Wrote cycle #{found.pk} ({len(document['capabilities'])} capabilities, "
            f"{len(document['workshops'])} workshops, {len(document['members'])} "
            f"memberships) to {path}."
        )
