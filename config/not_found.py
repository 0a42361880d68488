"""The product's own "page not found" page, also with ``DEBUG`` on (the demo, ``make run``).

With ``DEBUG`` on Django answers a mistyped address, or a record the user may not see, with its
English technical page listing the URL patterns. The demo is what officials try first, so there
the product's Chinese page is shown instead; Django's debug page for server errors stays."""

from __future__ import annotations

from django.conf import settings
from django.views.defaults import page_not_found


class ProductNotFoundMiddleware:
    """Replace a 404 response with ``templates/404.html`` when ``DEBUG`` is on (without it Django
    renders that page itself). Placed inside ``CommonMiddleware``, so an address missing only its
    trailing slash is still redirected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and not getattr(response, "product_page", False):
            response = page_not_found(request, exception=None)
            response.product_page = True
        return response
