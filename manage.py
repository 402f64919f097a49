#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foresight.settings")
    from django.core.management import execute_from_command_line

    from foresight.env import EnvError

    try:
        execute_from_command_line(sys.argv)
    except EnvError as error:
        # One line naming the variable, not a traceback through the settings module.
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()
