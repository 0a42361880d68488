"""``python -m scripts.national [--scale 0.05] [--seed N] [--force]``, from the project's root folder,
against the database the settings name (``DATABASE_URL``)."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from scripts.national.command import main  # noqa: E402

sys.exit(main())
