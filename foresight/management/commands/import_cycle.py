from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foresight.transfer import TransferError, import_cycle, read_document


class Command(BaseCommand):
    help = (
        "Create a new cycle from a file written by export_cycle. Reference data "
        "(classification, library, standards) must already be imported here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The JSON file to read.")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            cycle = import_cycle(read_document(path))
        except TransferError as error:
            message = str(error)
            if not message.startswith(str(path)):
                message = f"{path}: {message}"
            raise CommandError(message) from None

        self.stdout.write(f"Imported cycle #{cycle.pk}: {cycle.title}")
        self.stdout.write(
            "People who had no account here have an inactive one, without a "
            "password; invitations were not carried."
        )
