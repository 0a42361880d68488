"""The station list costs the same few queries however many stations its page shows, and each row
still says the station's kind and the status in force."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import builders

pytestmark = pytest.mark.django_db


def rows(response) -> list[str]:
    table = response.content.decode().split('<tbody>')[1].split('</tbody>')[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[1:]]


def test_station_list_queries_do_not_grow_with_its_rows(client, hierarchy, django_assert_max_num_queries):
    h = hierarchy
    builders.station(h.a1)
    client.force_login(builders.county_user(h))
    with CaptureQueriesContext(connection) as one_row:
        assert len(rows(client.get("/stations/"))) == 1
    builders.station(h.a2, status="planned", on=datetime.date(2023, 3, 1))
    builders.station(h.a3, status="suspended")
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get("/stations/")
    assert len(rows(response)) == 3


def test_a_row_shows_the_kind_and_the_status_in_force(client, hierarchy):
    h = hierarchy
    builders.station(h.a1, status="operating", on=datetime.date(2022, 1, 1))
    client.force_login(builders.county_user(h))
    (row,) = rows(client.get("/stations/"))
    assert "乡镇（街道）社工站" in row and "运营" in row
    assert '<span class="status status-operating">运营</span>' in client.get("/stations/").content.decode()
