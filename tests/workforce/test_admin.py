"""People are registered in the admin through the workforce services, with their first assignment."""

import datetime

import pytest
from django.urls import reverse

from tests import builders
from tests.admin_forms import form_data
from tests.workforce import builders as wb
from workforce.models import Employment, Person

pytestmark = pytest.mark.django_db


def test_a_person_added_in_the_admin_is_registered_once_with_their_assignment(hierarchy, client):
    station = builders.station(hierarchy.a1)
    root = builders.superuser()
    client.force_login(root)
    url = reverse("admin:workforce_person_add")
    data = {**form_data(client.get(url)), "name": "李雷", "id_number": wb.id_number(serial="321"),
            "registered_region": str(hierarchy.county_a.pk), "employments-TOTAL_FORMS": "1",
            "employments-0-station": str(station.pk), "employments-0-role": "resident",
            "employments-0-start_on": "2024-03-01"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="李雷")
    assert person.registered_region == hierarchy.county_a
    assert list(Employment.objects.filter(person=person).values_list("station", "start_on")) == [
        (station.pk, datetime.date(2024, 3, 1))]
    assert person.history.earliest().history_user == root


def test_an_assignment_changed_in_the_admin_goes_through_the_service(hierarchy, client):
    station = builders.station(hierarchy.a1)
    anna = wb.person(station=station, name="安娜")
    employment = anna.employments.get()
    client.force_login(builders.superuser())
    url = reverse("admin:workforce_employment_change", args=[employment.pk])
    response = client.post(url, {**form_data(client.get(url)), "end_on": "2024-12-31"})
    assert response.status_code == 302, response.content.decode()[:2000]
    employment.refresh_from_db()
    assert employment.end_on == datetime.date(2024, 12, 31)
    assert employment.history.count() == 2


def test_a_province_official_may_view_people_in_the_admin_but_not_change_them(hierarchy, client):
    """The register is kept by county staff (``can_edit_person``): the admin gives a provincial
    official the same answer as the screens and the services, a read-only page and no save."""
    from stations.models import Role
    from stations.roles import ensure_role_groups

    anna = wb.person(station=builders.station(hierarchy.a1), name="安娜")
    official = builders.user("hubei", Role.PROVINCE, hierarchy.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    client.force_login(official)
    url = reverse("admin:workforce_person_change", args=[anna.pk])
    page = client.get(url)
    assert page.status_code == 200 and "安娜" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"name": "改名"}).status_code == 403
    assert client.get(reverse("admin:workforce_person_add")).status_code == 403
    anna.refresh_from_db()
    assert anna.name == "安娜"
