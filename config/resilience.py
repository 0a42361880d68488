"""When the database is briefly unreachable (a restart, a failover), users get a clear Chinese
page asking them to retry, with HTTP 503 and Retry-After, instead of a bare server error.
Nothing half-written survives: every write runs in a transaction that the failure rolls back.

Installed as the project's ``handler500``: Django calls it while handling the uncaught exception,
wherever it was raised (a view, a middleware saving the session…)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def server_error(request, *args, **kwargs):
    exception = sys.exc_info()[1]
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return defaults.server_error(request, *args, **kwargs)
    logger.warning("database unavailable: %s %s", request.method, request.path)
    # Rendered without the request: the context processors would query the database again.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
