"""The address a request comes from, for sign-in throttling and the logs.

Behind the reverse proxy every request arrives from the proxy's address, so the client's own
address is read from ``X-Forwarded-For``, but only when the request comes from one of the
``TRUSTED_PROXIES``; from anywhere else the header is the sender's to write, and is ignored."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # The right-most address that is not one of our proxies is the one our proxies saw.
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote
