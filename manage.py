#!/usr/bin/env python
"""Django's command-line entry point."""

import os
import sys


def main():
    # The embedded default (SQLite, filesystem broker) unless told otherwise.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protection.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
