from django.core.management.base import BaseCommand, CommandError

from analysis.ifate import IfateImportError
from foresight.classification import ClassificationFileError
from foresight.demo import DEMO_PASSWORD, DemoDataError, load_demo
from foresight.library import LibraryImportError

# Each of these carries one line saying which file and what is wrong.
DATA_ERRORS = (
    DemoDataError,
    ClassificationFileError,
    IfateImportError,
    LibraryImportError,
)


class Command(BaseCommand):
    help = "Create (or leave as it is) the demonstration cycle and its demo accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--without-library",
            action="store_true",
            help="Skip the IfATE and library imports (the classification is always loaded).",
        )

    def handle(self, *args, without_library: bool, **options) -> None:
        try:
            cycle, created = load_demo(
                self.stdout.write, with_library=not without_library
            )
        except DATA_ERRORS as error:
            raise CommandError(str(error)) from None

        verb = "Created" if created else "Already present:"
        self.stdout.write(f"{verb} demonstration cycle #{cycle.pk}: {cycle.title}")
        self.stdout.write(
            f"Sign in as convener@demo.foresight.example with password {DEMO_PASSWORD} "
            "(panellists: employer1@…, technologist1@…, educator1@…, same password)."
        )
