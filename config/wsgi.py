import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the process: out of the garbage collector's sight, so that
# its full collections, run every few hundred requests, do not walk every module, model and URL again.
gc.freeze()
