"""Every product page without a path parameter, and the exports it links to, with each field of
its own filter forms set to a negative number, zero, a number beyond what the database holds, text
and an impossible date: never a server error."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import builders
from tests.workforce import builders as wb

pytestmark = pytest.mark.django_db

VALUES = ("-1", "0", "9" * 23, "abc", "2024-13-45")
SKIPPED = {"logout", "set_language", "password_change", "password_change_done", "login"}
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*>(.*?)</form>', re.S | re.I)
FIELD = re.compile(r'<(?:input|select)[^>]*\bname="([^"]+)"', re.I)
EXPORT_LINK = re.compile(r'href="(/[^"?]*export[^"?]*)')


def plain_routes(patterns=None, namespace=""):
    """Names of the routes with no path parameter, outside the admin site."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin" or "<" in str(entry.pattern):
                continue
            yield from plain_routes(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name and "<" not in str(entry.pattern):
            name = f"{namespace}{entry.name}"
            if name not in SKIPPED:
                yield name


def filter_fields(html: str) -> set[str]:
    return {name for form in GET_FORM.findall(html) for name in FIELD.findall(form)} - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("who", ["county", "superuser"])
def test_no_filter_value_makes_a_page_fail(client, world, who):
    wb.person(station=world.station_a1, name="安娜")
    client.raise_request_exception = False
    client.force_login(world.user_a if who == "county" else builders.superuser())
    tried, failures = 0, []
    for name in sorted(set(plain_routes())):
        url = reverse(name)
        first = client.get(url)
        if first.status_code != 200 or "html" not in first.get("Content-Type", ""):
            continue
        html = first.content.decode()
        targets = [url, *sorted(set(EXPORT_LINK.findall(html)))]  # a list's export takes its filters
        for field in sorted(filter_fields(html)):
            for value in VALUES:
                for target in targets:
                    tried += 1
                    status = client.get(target, {field: value}).status_code
                    if status >= 500:
                        failures.append(f"{target}?{field}={value}: {status}")
    assert tried > 100  # the sweep reached the lists' filters
    assert failures == []
