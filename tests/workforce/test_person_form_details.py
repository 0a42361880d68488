"""The person form reads as Chinese (full-width colons after the labels) and does not choose a
role for the user: 岗位 starts blank and must be picked."""

import re

from django.urls import reverse

from tests.workforce import builders as wb
from workforce.models import EmploymentRole, Person


def test_labels_end_in_a_full_width_colon_and_the_role_starts_blank(client, stations, county_a_user):
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:person-create")).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", page)
    assert "姓名：" in labels and "岗位：" in labels
    assert not [label for label in labels if label.endswith(":")]
    role = page[page.index('name="role"'):]
    role = role[:role.index("</select>")]
    assert re.search(r'<option value="" selected>', role)
    assert "selected" not in role.split('<option value=""', 1)[1].split("</option>", 1)[1]


def test_a_person_without_a_role_is_refused(client, stations, county_a_user):
    client.force_login(county_a_user)
    data = {"name": "新社工", "id_number": wb.id_number("420102"), "station": stations.station_a1.pk,
            "start_on": "2025-01-01"}
    response = client.post(reverse("workforce:person-create"), data)
    assert response.status_code == 200 and Person.objects.count() == 0
    assert "role" in response.context["form"].errors
    response = client.post(reverse("workforce:person-create"), {**data, "role": EmploymentRole.RESIDENT})
    assert response.status_code == 302 and Person.objects.get().employments.get().role == EmploymentRole.RESIDENT
