"""Lists and overviews take a fixed number of queries, whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse

from projects.selectors.regions import county_overview
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db


def test_county_overview_query_count_does_not_grow_with_counties(world, django_assert_num_queries):
    for year in (2023, 2024):
        pb.contract(world.county_a, world.org, starts_on=datetime.date(year, 1, 1))
        pb.contract(world.county_b, world.org, starts_on=datetime.date(year, 1, 1))
    with django_assert_num_queries(2):
        rows = county_overview(user=world.city_user, today=datetime.date(2024, 6, 1))
    assert [(r.county.name, r.active_contracts, r.has_local_organisation) for r in rows] == [
        ("江岸区", 1, True), ("江汉区", 1, False)]


def test_contract_list_page_query_count_does_not_grow_with_contracts(client, world, django_assert_max_num_queries):
    client.force_login(world.city_user)
    pb.contract(world.county_a, world.org, starts_on=datetime.date(2023, 1, 1))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("projects:contract-list"))
    for year in (2020, 2021, 2022, 2024, 2025):
        pb.contract(world.county_b, world.org, starts_on=datetime.date(year, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("projects:contract-list")).content.decode()
    assert html.count("/projects/contracts/") >= 6
