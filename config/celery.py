"""The Celery application: ``celery -A config worker`` runs jobs, ``celery -A config beat`` starts
the scheduled ones. Settings come from Django's (``CELERY_*``); with no ``REDIS_URL`` nothing here
is used and jobs run inside the request."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shegongzhan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["config"])
