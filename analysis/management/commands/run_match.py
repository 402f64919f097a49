from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from analysis import runs
from analysis.fit_report import assess_iteration
from analysis.tasks import start_match_run
from foresight.models import Cycle


class Command(BaseCommand):
    help = (
        "Run a map-and-gap match run for a cycle (in the background, or --sync here)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("cycle", type=int, help="The cycle's id.")
        parser.add_argument("--threshold", type=float, default=0.54)
        parser.add_argument(
            "--standards",
            default="",
            help="Compare only these standards (references, comma-separated); "
            "by default every current approved standard with duties.",
        )
        parser.add_argument(
            "--sync", action="store_true", help="Run it in this process."
        )

    def handle(
        self,
        *args,
        cycle: int,
        threshold: float,
        standards: str,
        sync: bool,
        **options,
    ) -> None:
        found = Cycle.objects.filter(pk=cycle).first()
        if found is None:
            raise CommandError(f"No cycle with id {cycle}.")
        references = standards.replace(",", " ").split()
        try:
            versions = runs.chosen_versions(references) if references else None
            run = runs.launch_run(found, None, threshold=threshold, versions=versions)
        except runs.RunError as error:
            raise CommandError(str(error)) from None

        if not sync:
            transaction.on_commit(lambda: start_match_run.delay(run.pk))
            self.stdout.write(
                f"Queued match run {run.pk} ({run.batches_total} batches)."
            )
            return
        run = runs.execute(run)
        counts = runs.summary(run)
        self.stdout.write(
            f"Match run {run.pk} {run.get_status_display().lower()}: "
            f"{counts['served']} of {counts['capabilities']} capabilities served, "
            f"{counts['not_served']} not served at threshold {run.threshold}."
        )
        iteration = found.iterations.filter(is_final=True).first()
        if iteration is None:
            return
        for title, result in assess_iteration(run, iteration):
            best = result.best
            where = (
                f"{best.reference} fit {best.fit:.0%}"
                if best
                else "no eligible standard"
            )
            self.stdout.write(
                f"  {title}: best {where}, {result.suitability} suitability"
            )
