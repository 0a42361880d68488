"""Numbers out of every range a page can use (negative, zero, beyond what the database holds)
answer as an empty result, the page's default or the form's own error, never a server error."""

import pytest
from django.urls import reverse

from projects.models import Contract
from tests import builders
from tests.projects.test_views import _contract_post

pytestmark = pytest.mark.django_db

HUGE = "9" * 23


@pytest.fixture
def county_client(client, world):
    client.raise_request_exception = False
    client.force_login(world.user_a)
    return client


@pytest.mark.parametrize("year", ["-1", "0", "10000", HUGE])
def test_the_stipend_page_answers_any_year(county_client, year):
    response = county_client.get(reverse("workforce:stipend-list"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == response.context["years"][0]  # this year, as with no year given


@pytest.mark.parametrize("station", [HUGE, "0", "-1"])
def test_the_people_list_and_export_answer_any_station(county_client, world, station):
    from tests.workforce import builders as wb

    wb.person(station=world.station_a1, name="安娜")
    page = county_client.get(reverse("workforce:person-list"), {"station": station})
    assert page.status_code == 200
    assert "安娜" not in page.content.decode() or station == "-1"  # "-1" is not a station id: no filter
    export = county_client.get(reverse("workforce:registry-export", args=["people"]), {"station": station})
    assert export.status_code == 200


def test_a_contract_naming_a_station_id_beyond_the_database_is_a_form_error(county_client, world):
    response = county_client.post(reverse("projects:contract-create"), _contract_post(world, stations=[HUGE]))
    assert response.status_code == 200
    assert response.context["form"].errors["stations"]
    assert not Contract.objects.exists()


def test_a_superuser_gets_the_same_answers(client, world):
    client.raise_request_exception = False
    client.force_login(builders.superuser())
    assert client.get(reverse("workforce:stipend-list"), {"year": HUGE}).status_code == 200
    assert client.get(reverse("workforce:person-list"), {"station": HUGE}).status_code == 200
