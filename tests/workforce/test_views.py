"""The county staff screens: what a user sees and cannot see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from stations.models import Role
from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, Employment, EmploymentRole, Person, StipendKind, StipendPolicy

TODAY = timezone.localdate()


@pytest.fixture
def people(stations):
    h = stations
    h.anna = wb.person(station=h.station_a1, name="安娜", start_on=datetime.date(2023, 1, 1), phone="13911112222")
    wb.certify(h.anna, CertificateLevel.INTERMEDIATE, datetime.date(2023, 6, 1))
    h.bob = wb.person(station=h.station_b1, name="鲍勃", start_on=datetime.date(2023, 1, 1))
    return h


def test_person_list_shows_only_own_county_with_masked_ids_for_city(client, people, county_a_user):
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:person-list")).content.decode()
    assert "安娜" in page and "鲍勃" not in page
    assert people.anna.id_number not in page and people.anna.masked_id_number in page  # masked by default
    city = builders.user("city", Role.CITY, people.city)
    client.force_login(city)
    page = client.get(reverse("workforce:person-list")).content.decode()
    assert "安娜" in page and "鲍勃" in page
    assert people.anna.id_number not in page and people.anna.masked_id_number in page


def test_search_by_last_four_and_filter_by_role(client, people, county_a_user):
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:person-list"), {"q": people.anna.id_number[-4:]}).content.decode()
    assert "安娜" in page
    page = client.get(reverse("workforce:person-list"), {"role": EmploymentRole.SUPERVISOR}).content.decode()
    assert "安娜" not in page


@pytest.mark.parametrize("name", ["person-detail", "person-update", "employment-create", "certificate-create",
                                  "training-create"])
def test_another_countys_person_is_404(client, people, county_a_user, name):
    client.force_login(county_a_user)
    assert client.get(reverse(f"workforce:{name}", args=[people.bob.pk])).status_code == 404
    assert client.get(reverse(f"workforce:{name}", args=[people.anna.pk])).status_code == 200


def test_another_countys_roster_is_404(client, people, county_a_user):
    client.force_login(county_a_user)
    assert client.get(reverse("workforce:roster-detail", args=[people.station_b1.pk])).status_code == 404
    page = client.get(reverse("workforce:roster-detail", args=[people.station_a1.pk])).content.decode()
    assert "安娜" in page and "社工缺 1 名" in page


def test_person_detail_shows_the_rules(client, people, county_a_user):
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:person-detail", args=[people.anna.pk])).content.decode()
    assert "已具备" in page and "职业水平证书" in page and "社会工作师（中级）" in page


def test_county_staff_register_a_person_with_first_assignment(client, stations, county_a_user):
    client.force_login(county_a_user)
    number = wb.id_number("420102", "19950505")
    response = client.post(reverse("workforce:person-create"), {
        "name": "新社工", "id_number": number, "education": "4", "station": stations.station_a1.pk,
        "role": EmploymentRole.RESIDENT, "start_on": "2025-01-01"})
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert (person.birth_date, person.registered_region) == (datetime.date(1995, 5, 5), stations.county_a)
    assert person.history.first().history_user == county_a_user
    assert Employment.objects.get().station == stations.station_a1


def _wrong_check(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_a_bad_id_number_is_refused_with_its_reason(client, stations, county_a_user):
    client.force_login(county_a_user)
    response = client.post(reverse("workforce:person-create"), {
        "name": "错号", "id_number": _wrong_check(wb.id_number("420102")), "station": stations.station_a1.pk,
        "role": EmploymentRole.RESIDENT, "start_on": "2025-01-01"})
    assert response.status_code == 200 and Person.objects.count() == 0
    assert "身份证号码校验位不正确" in response.content.decode()


def test_another_countys_station_cannot_be_chosen(client, stations, county_a_user):
    client.force_login(county_a_user)
    response = client.post(reverse("workforce:person-create"), {
        "name": "越界", "id_number": wb.id_number("420102"), "station": stations.station_b1.pk,
        "role": EmploymentRole.RESIDENT, "start_on": "2025-01-01"})
    assert response.status_code == 200 and Person.objects.count() == 0
    assert "station" in response.context["form"].errors


def test_city_and_station_heads_cannot_register_people(client, stations):
    client.force_login(builders.user("city", Role.CITY, stations.city))
    assert client.get(reverse("workforce:person-create")).status_code == 403
    client.force_login(builders.user("head", Role.STATION_HEAD, station=stations.station_a1))
    assert client.get(reverse("workforce:person-create")).status_code == 403


def test_dashboard_counts_and_per_10k(client, people, county_a_user, django_assert_max_num_queries):
    people.county_a.population = 200000
    people.county_a.save()
    client.force_login(county_a_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("workforce:dashboard"))
    dashboard = response.context["dashboard"]
    assert (dashboard.people, dashboard.certified, dashboard.qualified_share) == (1, 1, Decimal("100.0"))
    assert dashboard.per_10k == Decimal("0.05")
    assert dict(dashboard.by_level)[CertificateLevel.INTERMEDIATE.label] == 1
    assert "鲍勃" not in response.content.decode()
    # asking for another county's region falls back to the user's own county
    response = client.get(reverse("workforce:dashboard"), {"region": "420103"})
    assert response.context["dashboard"].region == people.county_a


def test_dashboard_compares_workforce_with_the_regions_own_targets(client, people, county_a_user, county_b_user):
    from stations.models import Target, TargetMetric, TargetUnit

    Target.objects.create(region=people.county_a, metric=TargetMetric.CERTIFIED_SOCIAL_WORKERS,
                          due_on=datetime.date(2030, 12, 31), value=5, unit=TargetUnit.COUNT)
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:dashboard")).content.decode()
    assert "持证社会工作者人数" in page and "还差 4 人" in page
    client.force_login(county_b_user)
    other = client.get(reverse("workforce:dashboard")).content.decode()
    assert "还差 4 人" not in other and "尚未设定人才队伍目标" in other


def test_a_workforce_target_met_after_its_due_date_is_not_shown_overdue(client, people, county_a_user):
    from stations.models import Target, TargetMetric, TargetUnit

    target = Target.objects.create(region=people.county_a, metric=TargetMetric.CERTIFIED_SOCIAL_WORKERS,
                                   due_on=datetime.date(2025, 12, 31), value=1, unit=TargetUnit.COUNT)
    client.force_login(county_a_user)
    met = client.get(reverse("workforce:dashboard")).content.decode()
    assert "已达标" in met and "已逾期" not in met.split("人才队伍目标", 1)[1].split("</section>", 1)[0]
    target.value = 5
    target.save()
    behind = client.get(reverse("workforce:dashboard")).content.decode()
    assert "已逾期" in behind.split("人才队伍目标", 1)[1].split("</section>", 1)[0]


def test_dashboard_query_count_does_not_grow_with_regions(people, django_assert_num_queries):
    from workforce.selectors import workforce_dashboard

    with django_assert_num_queries(8):
        workforce_dashboard(region=people.province, on_date=TODAY)
    for township in (people.a3, people.b2, people.b3):
        wb.person(station=builders.station(township), name="加人")
    with django_assert_num_queries(8):
        workforce_dashboard(region=people.province, on_date=TODAY)


def test_evaluator_and_station_head_cannot_open_region_pages(client, people):
    evaluator = builders.user("eval", Role.EVALUATOR, people.city)
    head = builders.user("head", Role.STATION_HEAD, station=people.station_a1)
    for user in (evaluator, head):
        client.force_login(user)
        assert client.get(reverse("workforce:dashboard")).status_code == 403
        assert client.get(reverse("workforce:stipend-list")).status_code == 403
    client.force_login(head)
    page = client.get(reverse("workforce:person-list")).content.decode()
    assert "安娜" in page and "鲍勃" not in page
    assert people.anna.id_number not in page  # station heads see masked numbers


def test_stipend_page_totals_for_the_county(client, people, county_a_user):
    for level, amount in ((1, "100"), (2, "200"), (3, "300")):
        StipendPolicy.objects.create(region=people.province, kind=StipendKind.MONTHLY_BY_LEVEL, level=level,
                                     amount=Decimal(amount), effective_from=datetime.date(2021, 1, 1))
    wb.certify(people.bob, CertificateLevel.SENIOR, datetime.date(2023, 1, 1))
    client.force_login(county_a_user)
    response = client.get(reverse("workforce:stipend-list"), {"year": "2024"})
    assert response.context["report"].total == Decimal("2400.00")  # Anna: 12 × 200; Bob is county B's
    assert "鲍勃" not in response.content.decode()


def test_deadline_staffing_and_shortfall_pages_are_scoped(client, people, county_a_user):
    client.force_login(county_a_user)
    for name in ("deadline-list", "staffing-list", "shortfall-list"):
        response = client.get(reverse(f"workforce:{name}"))
        assert response.status_code == 200
        assert "鲍勃" not in response.content.decode()
        assert "民族街街道社工站" not in response.content.decode()


def test_admin_lists_only_own_county(client, people):
    from stations.roles import ensure_role_groups

    official = builders.user("gansu", Role.PROVINCE, people.other_province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    client.force_login(official)
    response = client.get(reverse("admin:workforce_person_changelist"))
    assert response.status_code == 200
    assert "安娜" not in response.content.decode()
    assert client.get(reverse("admin:workforce_person_change", args=[people.anna.pk])).status_code in (302, 404)
    hubei = builders.user("hubei", Role.PROVINCE, people.province, is_staff=True)
    hubei.groups.add(ensure_role_groups()[Role.PROVINCE])
    client.force_login(hubei)
    page = client.get(reverse("admin:workforce_person_changelist")).content.decode()
    assert "安娜" in page and "鲍勃" in page


def test_a_past_roster_masks_someone_who_has_moved_away(client, stations, county_a_user):
    mover = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 1, 1),
                      end_on=datetime.date(2023, 12, 31), name="调走")
    wb.assign(mover, stations.station_b1, start_on=datetime.date(2024, 1, 1))
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:roster-detail", args=[stations.station_a1.pk]),
                      {"on": "2023-06-01"}).content.decode()
    assert "调走" in page
    assert mover.masked_id_number in page and mover.id_number not in page
    assert mover.get_absolute_url() not in page
    page = client.get(reverse("workforce:roster-detail", args=[stations.station_a1.pk]),
                      {"on": "2024-06-01"}).content.decode()
    assert "调走" not in page


def test_an_existing_id_number_with_another_name_is_not_taken_over(stations, county_b_user):
    from django.core.exceptions import ValidationError

    from workforce import services

    person = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 1, 1),
                       end_on=datetime.date(2023, 1, 1), name="原名")
    with pytest.raises(ValidationError, match="该身份证号码已登记，不能重复登记"):
        services.person_create(actor=county_b_user, name="别名", id_number=person.id_number, assignment={
            "station": stations.station_b1, "role": EmploymentRole.RESIDENT, "start_on": datetime.date(2024, 1, 1)})


def test_assignment_edit_is_404_across_counties_and_after_a_move(client, stations, county_a_user, county_b_user):
    mover = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 1, 1),
                      end_on=datetime.date(2023, 12, 31), name="调走")
    old = Employment.objects.get()
    new = wb.assign(mover, stations.station_b1, start_on=datetime.date(2024, 1, 1))
    client.force_login(county_a_user)
    for employment in (old, new):
        url = reverse("workforce:employment-update", args=[mover.pk, employment.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"station": stations.station_a1.pk, "role": "resident",
                                 "start_on": "2022-01-01", "end_on": "2022-06-30"}).status_code == 404
    old.refresh_from_db()
    assert old.end_on == datetime.date(2023, 12, 31)
    client.force_login(county_b_user)
    url = reverse("workforce:employment-update", args=[mover.pk, new.pk])
    response = client.post(url, {"station": stations.station_b1.pk, "role": "resident", "start_on": "2024-01-01",
                                 "end_on": "2025-06-30"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.end_on == datetime.date(2025, 6, 30)


def test_station_head_sees_own_roster_only(client, people):
    head = builders.user("head", Role.STATION_HEAD, station=people.station_a1)
    client.force_login(head)
    page = client.get(reverse("workforce:roster-detail", args=[people.station_a1.pk])).content.decode()
    assert "安娜" in page and people.anna.masked_id_number in page
    assert client.get(reverse("workforce:roster-detail", args=[people.station_a2.pk])).status_code == 404
    assert client.get(reverse("workforce:person-update", args=[people.anna.pk])).status_code == 403


def test_person_list_query_count_does_not_grow_with_people(client, stations, county_a_user,
                                                           django_assert_max_num_queries):
    client.force_login(county_a_user)
    for n in range(3):
        wb.person(station=stations.station_a1, name=f"甲{n}")
    with django_assert_max_num_queries(10) as first:  # the full-ID permission check, the page's placements
        client.get(reverse("workforce:person-list"))
    for n in range(10):
        person = wb.person(station=stations.station_a2, name=f"乙{n}")
        wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2024, 1, 1))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("workforce:person-list"))


def test_deadline_and_shortfall_lists_export_scoped_with_masked_ids(client, stations, county_a_user):
    from io import BytesIO

    from openpyxl import load_workbook

    ours = wb.person(station=stations.station_a1, start_on=datetime.date(2023, 7, 1), name="本县")
    wb.person(station=stations.station_b1, start_on=datetime.date(2023, 7, 1), name="外县")
    client.force_login(county_a_user)
    response = client.get(reverse("workforce:deadline-list"), {"on": "2025-06-30", "format": "xlsx"})
    values = [v for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True) for v in row]
    assert "本县" in values and "外县" not in values
    assert ours.masked_id_number in values and ours.id_number not in values
    assert datetime.datetime(2025, 7, 1) in values  # the deadline, as a real date cell
    response = client.get(reverse("workforce:shortfall-list"), {"year": "2024", "format": "xlsx"})
    values = [v for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True) for v in row]
    assert "本县" in values and "外县" not in values


def test_stipends_owed_before_a_move_stay_with_the_old_county_unlinked(client, stations, county_a_user):
    for level, amount in ((1, "100"), (2, "200"), (3, "300")):
        StipendPolicy.objects.create(region=stations.province, kind=StipendKind.MONTHLY_BY_LEVEL, level=level,
                                     amount=Decimal(amount), effective_from=datetime.date(2021, 1, 1))
    mover = wb.person(station=stations.station_a1, start_on=datetime.date(2023, 1, 1),
                      end_on=datetime.date(2024, 3, 31), name="调走")
    wb.assign(mover, stations.station_b1, start_on=datetime.date(2024, 4, 1))
    wb.certify(mover, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1))
    client.force_login(county_a_user)
    response = client.get(reverse("workforce:stipend-list"), {"year": "2024"})
    assert response.context["report"].total == Decimal("300.00")
    page = response.content.decode()
    assert "调走" in page and mover.get_absolute_url() not in page


@pytest.mark.parametrize("model", ["employment", "certificate", "trainingrecord", "workforcepolicy",
                                   "stipendpolicy"])
def test_admin_changelists_are_scoped_by_province(client, people, model):
    from stations.roles import ensure_role_groups
    from workforce.models import WorkforcePolicy

    wb.train(people.anna, datetime.date(2024, 1, 1), 6, title="江岸培训")
    WorkforcePolicy.objects.create(region=people.province, source="湖北政策")
    StipendPolicy.objects.create(region=people.province, kind=StipendKind.MONTHLY_BY_LEVEL, level=1,
                                 amount=Decimal(100), effective_from=datetime.date(2021, 1, 1), source="湖北津贴")
    groups = ensure_role_groups()
    marker = {"employment": "安娜", "certificate": "安娜", "trainingrecord": "江岸培训",
              "workforcepolicy": "湖北省", "stipendpolicy": "湖北省"}[model]
    url = reverse(f"admin:workforce_{model}_changelist")
    for region, visible in ((people.other_province, False), (people.province, True)):
        official = builders.user(f"p{region.code[:2]}", Role.PROVINCE, region, is_staff=True)
        official.groups.add(groups[Role.PROVINCE])
        client.force_login(official)
        response = client.get(url)
        assert response.status_code == 200
        assert (marker in response.content.decode()) is visible
