"""Nothing a user is shown gives a full ID number back: neither the number itself, nor a masked
number (region digits and the last four) beside the birth date that its hidden digits 7-14 are.
Each role's pages, exports, admin pages and audit trail are read as a whole and every number
that could be rebuilt from them is tried."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.workforce import builders as wb
from workforce import services

pytestmark = pytest.mark.django_db

MASKED = re.compile(r"(\d{6})\*{8}(\d{3}[\dXx])")
FULL = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")
DATES = (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
         re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
         re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"))


def rebuilt(text: str) -> set[str]:
    """Every ID number that what is shown gives: those shown whole, and each masked number
    completed with each date shown anywhere beside it."""
    dates = {f"{int(y):04d}{int(m):02d}{int(d):02d}" for pattern in DATES for y, m, d in pattern.findall(text)}
    numbers = set(FULL.findall(text))
    numbers |= {head + date + tail for head, tail in MASKED.findall(text) for date in dates}
    return {number.upper() for number in numbers}


def workbook_text(response) -> str:
    book = load_workbook(io.BytesIO(response.content))
    return "\n".join(" ".join(str(cell) for cell in row if cell is not None)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def shown(client, urls, exports=()) -> str:
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    pages += [workbook_text(client.get(url)) for url in exports]
    return "\n".join(pages)


@pytest.fixture
def anna(stations):
    person = wb.person(station=stations.station_a1, name="安娜")
    # a corrected number: the audit trail and the admin history then hold a change of both
    corrected = wb.id_number("420102", "19870514", person.id_number[14:17])
    services.person_update(actor=builders.superuser(), person=person, id_number=corrected,
                           birth_date=datetime.date(1987, 5, 14))
    person.refresh_from_db()
    assert person.birth_date.isoformat() == "1987-05-14"
    return person


def screens(anna) -> list[str]:
    return [reverse("workforce:person-detail", args=[anna.pk]), reverse("workforce:person-list"),
            reverse("workforce:roster-detail", args=[anna.employments.get().station_id])]


def test_county_staff_cannot_rebuild_a_number(client, anna, county_a_user):
    client.force_login(county_a_user)
    text = shown(client, [*screens(anna), reverse("workforce:person-update", args=[anna.pk]),
                          reverse("audit-log"), reverse("audit-log") + "?model=workforce.person"],
                 exports=[reverse("workforce:registry-export", args=["people"])])
    assert anna.masked_id_number in text  # what is read is the person's record
    assert anna.id_number not in rebuilt(text)


def test_a_station_head_cannot_rebuild_a_number(client, anna):
    head = builders.user("head", Role.STATION_HEAD, station=anna.employments.get().station)
    client.force_login(head)
    text = shown(client, screens(anna)[:2], exports=[reverse("workforce:registry-export", args=["people"])])
    assert anna.masked_id_number in text
    assert anna.id_number not in rebuilt(text)


def test_a_province_official_cannot_rebuild_a_number_in_the_admin(client, anna, stations):
    official = builders.user("prov", Role.PROVINCE, stations.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    client.force_login(official)
    first = anna.history.order_by("history_id").first()
    text = shown(client, [reverse("admin:workforce_person_change", args=[anna.pk]),
                          reverse("admin:workforce_person_history", args=[anna.pk]),
                          reverse("admin:workforce_person_simple_history", args=[anna.pk, first.history_id]),
                          reverse("workforce:person-detail", args=[anna.pk]), reverse("audit-log")])
    assert "安娜" in text
    assert anna.id_number not in rebuilt(text)


def test_the_check_would_catch_a_birth_date_shown_beside_the_mask(anna):
    """The test's own reconstruction works: the old person page's pair gives the number back."""
    page = f"<dd>{anna.masked_id_number}</dd><dt>出生日期</dt><dd>{anna.birth_date:%Y年%-m月%-d日}</dd>"
    assert anna.id_number in rebuilt(page)


def test_a_corrected_number_brings_its_birth_date(client, stations, county_a_user):
    """The edit form no longer carries the birth date: a corrected number sets it."""
    person = wb.person(station=stations.station_a1, name="李娜")
    client.force_login(county_a_user)
    url = reverse("workforce:person-update", args=[person.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "") and name in form.fields}
    response = client.post(url, {**data, "id_number": wb.id_number("420102", "19920229", person.id_number[14:17])})
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1992, 2, 29)
    assert "出生年份" in client.get(reverse("workforce:person-detail", args=[person.pk])).content.decode()
