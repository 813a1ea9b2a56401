#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmqa_site.settings.local")
    from django.core.management import execute_from_command_line  # Django's own manage.py: after the settings are named

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
