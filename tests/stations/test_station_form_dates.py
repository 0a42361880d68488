"""Date inputs are browser date pickers: their value is ISO (2026-12-02), so a stored date shows."""

import datetime
import re

import time_machine

from tests import builders

D = datetime.date


def date_value(response, name) -> str:
    field = re.search(rf'<input type="date" name="{name}"[^>]*>', response.content.decode()).group(0)
    value = re.search(r'value="([^"]*)"', field)
    return value.group(1) if value else ""


def test_the_edit_form_shows_the_stored_date(client, hierarchy):
    station = builders.station(hierarchy.a1, opened_on=D(2026, 11, 20))
    client.force_login(builders.county_user(hierarchy))
    assert date_value(client.get(f"/stations/{station.pk}/edit/"), "opened_on") == "2026-11-20"


@time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_todays_date_shows_on_the_create_and_status_forms(client, hierarchy):
    station = builders.station(hierarchy.a1)
    client.force_login(builders.county_user(hierarchy))
    assert date_value(client.get("/stations/new/"), "status_effective_on") == "2026-12-02"
    assert date_value(client.get(f"/stations/{station.pk}/status/"), "effective_on") == "2026-12-02"
