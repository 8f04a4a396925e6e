#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careers.settings")
    from django.core.management import execute_from_command_line

    from careers.dbsetup import provide_database_url

    # Before settings are read: DATABASE_URL, or the embedded PostgreSQL started for it.
    provide_database_url()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
