from django.core.management.base import BaseCommand, CommandError

from foresight.demo import DEMO_PASSWORD, DemoDataError, load_demo


class Command(BaseCommand):
    help = "Create (or leave as it is) the demonstration cycle and its demo accounts."

    def handle(self, *args, **options) -> None:
        try:
            cycle, created = load_demo()
        except DemoDataError as error:
            raise CommandError(str(error)) from None

        verb = "Created" if created else "Already present:"
        self.stdout.write(f"{verb} demonstration cycle #{cycle.pk}: {cycle.title}")
        self.stdout.write(
            f"Sign in as convener@demo.foresight.example with password {DEMO_PASSWORD} "
            "(panellists: employer1@…, technologist1@…, educator1@…, same password)."
        )
