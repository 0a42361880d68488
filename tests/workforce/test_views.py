"""The county staff screens: what a user sees and cannot see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from stations.models import Role
from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, Employment, EmploymentRole, Person, StipendKind

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


def hubei_rates(region):
    doc = wb.document(region, title="湖北省民政厅关于促进乡镇（街道）社会工作发展的通知",
                      effective_from=datetime.date(2021, 2, 26))
    for level, amount in ((1, "100"), (2, "200"), (3, "300")):
        wb.stipend(doc, StipendKind.MONTHLY_BY_LEVEL, level, amount,
                   quote="每月分別給予不低于100元、200元、300元的職業(yè)補(bǔ)貼")
    return doc


def test_another_countys_roster_is_404(client, people, county_a_user):
    wb.document(people.city, title="某市汇报", rules={"staffing.min_station_heads": 1, "staffing.min_social_workers": 2})
    client.force_login(county_a_user)
    assert client.get(reverse("workforce:roster-detail", args=[people.station_b1.pk])).status_code == 404
    page = client.get(reverse("workforce:roster-detail", args=[people.station_a1.pk])).content.decode()
    assert "安娜" in page and "社工缺 1 名" in page and "依据：《某市汇报》" in page


def test_a_roster_without_a_staffing_document_says_so(client, people, county_a_user):
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:roster-detail", args=[people.station_a1.pk])).content.decode()
    assert "配备标准：本地政策未规定" in page and "未达标" not in page


def test_person_detail_shows_the_rules(client, people, county_a_user):
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:person-detail", args=[people.anna.pk])).content.decode()
    assert "已具备" in page and "职业水平证书" in page and "社会工作师（中级）" in page


def _text(html: str) -> str:
    import re

    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_person_page_cites_the_county_deadline_or_says_no_document_sets_one(client, stations):
    """County C's document sets two years; county A is under Hubei's, which sets none."""
    hubei_rates(stations.province)
    wb.document(stations.county_c, title="远安县社工人才办法", rules={
        "qualification.deadline_years": (2, "第五条", "必须在两年内考取社会工作者职业水平资格证书")})
    hired = TODAY - datetime.timedelta(days=400)
    yuanan = wb.person(station=stations.station_c1, name="远安新人", start_on=hired)
    jiangan = wb.person(station=stations.station_a1, name="江岸新人", start_on=hired)
    client.force_login(builders.superuser())
    page = _text(client.get(reverse("workforce:person-detail", args=[yuanan.pk])).content.decode())
    deadline = hired.replace(year=hired.year + 2)
    assert f"取得资质期限{deadline.year}年{deadline.month}月{deadline.day}日" in page
    assert "依据：《远安县社工人才办法》第五条「必须在两年内考取社会工作者职业水平资格证书」" in page
    page = _text(client.get(reverse("workforce:person-detail", args=[jiangan.pk])).content.decode())
    assert "取得资质期限本地政策未规定" in page
    assert "今年继续教育学时0（应完成学时：本地政策未规定）" in page
    deadlines = client.get(reverse("workforce:deadline-list"), {"on": str(deadline)}).content.decode()
    assert "远安新人" in deadlines and "江岸新人" not in deadlines and "远安县社工人才办法" in deadlines


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


def _report(region, value):
    from workforce.models import ReportedMetric
    from workforce.services import reported_figure_set

    reported_figure_set(actor=builders.superuser(), region=region, metric=ReportedMetric.CERTIFIED_SOCIAL_WORKERS,
                        year=TODAY.year - 1, value=value, source="统计年报")


def test_dashboard_compares_workforce_with_the_regions_own_targets(client, people, county_a_user, county_b_user):
    from stations.models import Target, TargetMetric, TargetUnit

    Target.objects.create(region=people.county_a, metric=TargetMetric.CERTIFIED_SOCIAL_WORKERS,
                          document=wb.document(people.county_a), due_on=datetime.date(2030, 12, 31), value=5,
                          unit=TargetUnit.COUNT)
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:dashboard")).content.decode()
    assert "持证社会工作者人数" in page and "尚未填报该项数据，无法与目标比较" in page and "还差" not in page
    _report(people.county_a, 2)
    page = client.get(reverse("workforce:dashboard")).content.decode()
    assert "还差 3 人" in page  # from the reported 2, not the roster's 1
    client.force_login(county_b_user)
    other = client.get(reverse("workforce:dashboard")).content.decode()
    assert "还差 4 人" not in other and "尚未设定人才队伍目标" in other


def test_a_workforce_target_met_after_its_due_date_is_not_shown_overdue(client, people, county_a_user):
    from stations.models import Target, TargetMetric, TargetUnit

    target = Target.objects.create(region=people.county_a, metric=TargetMetric.CERTIFIED_SOCIAL_WORKERS,
                                   document=wb.document(people.county_a), due_on=datetime.date(2025, 12, 31), value=1,
                                   unit=TargetUnit.COUNT)
    _report(people.county_a, 1)
    client.force_login(county_a_user)
    met = client.get(reverse("workforce:dashboard")).content.decode()
    assert "已达标" in met and "已逾期" not in met.split("人才队伍目标", 1)[1].split("</section>", 1)[0]
    target.value = 5
    target.save()
    behind = client.get(reverse("workforce:dashboard")).content.decode()
    assert "已逾期" in behind.split("人才队伍目标", 1)[1].split("</section>", 1)[0]


def test_dashboard_query_count_does_not_grow_with_regions(people, django_assert_num_queries):
    from workforce.selectors import workforce_dashboard

    with django_assert_num_queries(7):
        workforce_dashboard(region=people.province, on_date=TODAY)
    for township in (people.a3, people.b2, people.b3):
        wb.person(station=builders.station(township), name="加人")
    with django_assert_num_queries(7):
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
    hubei_rates(people.province)
    wb.certify(people.bob, CertificateLevel.SENIOR, datetime.date(2023, 1, 1))
    client.force_login(county_a_user)
    response = client.get(reverse("workforce:stipend-list"), {"year": "2024"})
    assert response.context["report"].total == Decimal("2400.00")  # Anna: 12 × 200; Bob is county B's
    page = response.content.decode()
    assert "鲍勃" not in page
    basis = page.split('id="stipend-basis"', 1)[1]
    assert "社会工作师（中级）" in basis and "200.00" in basis and "高级社会工作师" not in basis
    assert "依据：《湖北省民政厅关于促进乡镇（街道）社会工作发展的通知》「每月分別給予不低于100元" in basis


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
    with django_assert_max_num_queries(11) as first:  # the full-ID permission check, the page's placements, the bell
        client.get(reverse("workforce:person-list"))
    for n in range(10):
        person = wb.person(station=stations.station_a2, name=f"乙{n}")
        wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2024, 1, 1))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("workforce:person-list"))


def test_deadline_and_shortfall_lists_export_scoped_with_masked_ids(client, stations, county_a_user):
    from io import BytesIO

    from openpyxl import load_workbook

    wb.document(stations.city, title="武汉市社工人才办法", rules={
        "qualification.deadline_years": 2, "training.continuing_hours_per_year": (60, "第六条", "每年不少于60学时")})
    ours = wb.person(station=stations.station_a1, start_on=datetime.date(2023, 7, 1), name="本县")
    wb.person(station=stations.station_b1, start_on=datetime.date(2023, 7, 1), name="外县")
    client.force_login(county_a_user)
    response = client.get(reverse("workforce:deadline-list"), {"on": "2025-06-30", "format": "xlsx"})
    values = [v for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True) for v in row]
    assert "本县" in values and "外县" not in values
    assert ours.masked_id_number in values and ours.id_number not in values
    assert datetime.datetime(2025, 7, 1) in values  # the deadline, as a real date cell
    assert "依据" in values and "依据：《武汉市社工人才办法》" in values
    response = client.get(reverse("workforce:shortfall-list"), {"year": "2024", "format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "姓名")
    ours_row = next(row for row in rows if row and row[0] == "本县")
    assert dict(zip(header, ours_row, strict=False))["依据"] == "依据：《武汉市社工人才办法》第六条「每年不少于60学时」"
    assert not any(row and row[0] == "外县" for row in rows)


def test_stipends_owed_before_a_move_stay_with_the_old_county_unlinked(client, stations, county_a_user):
    hubei_rates(stations.province)
    mover = wb.person(station=stations.station_a1, start_on=datetime.date(2023, 1, 1),
                      end_on=datetime.date(2024, 3, 31), name="调走")
    wb.assign(mover, stations.station_b1, start_on=datetime.date(2024, 4, 1))
    wb.certify(mover, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1))
    client.force_login(county_a_user)
    response = client.get(reverse("workforce:stipend-list"), {"year": "2024"})
    assert response.context["report"].total == Decimal("300.00")
    page = response.content.decode()
    assert "调走" in page and mover.get_absolute_url() not in page


@pytest.mark.parametrize("model", ["employment", "certificate", "trainingrecord", "stipendpolicy"])
def test_admin_changelists_are_scoped_by_province(client, people, model):
    from stations.roles import ensure_role_groups

    wb.train(people.anna, datetime.date(2024, 1, 1), 6, title="江岸培训")
    hubei_rates(people.province)
    groups = ensure_role_groups()
    marker = {"employment": "安娜", "certificate": "安娜", "trainingrecord": "江岸培训",
              "stipendpolicy": "湖北省民政厅关于促进"}[model]
    url = reverse(f"admin:workforce_{model}_changelist")
    for region, visible in ((people.other_province, False), (people.province, True)):
        official = builders.user(f"p{region.code[:2]}", Role.PROVINCE, region, is_staff=True)
        official.groups.add(groups[Role.PROVINCE])
        client.force_login(official)
        response = client.get(url)
        assert response.status_code == 200
        assert (marker in response.content.decode()) is visible


def test_shortfall_and_staffing_pages_cite_the_document(client, stations, county_a_user):
    wb.document(stations.county_a, title="江岸区社工人才办法", number="岸民〔2023〕1号", rules={
        "training.continuing_hours_per_year": (60, "第六条", "每年度接受继续教育累计不得少于60学时"),
        "staffing.min_resident_social_workers": (2, "第三条", "每个社工站至少配备2名驻站社工")})
    wb.person(station=stations.station_a1, start_on=datetime.date(2023, 1, 1), name="学时不足")
    wb.person(station=stations.station_b1, start_on=datetime.date(2023, 1, 1), name="江汉社工")
    client.force_login(county_a_user)
    page = client.get(reverse("workforce:shortfall-list"), {"year": TODAY.year - 1}).content.decode()
    assert "学时不足" in page and "江汉社工" not in page
    assert "依据：《江岸区社工人才办法》（岸民〔2023〕1号）第六条「每年度接受继续教育累计不得少于60学时」" in page
    page = client.get(reverse("workforce:staffing-list")).content.decode()
    assert "驻站社工缺 1 名" in page and "驻站社工缺 2 名" in page  # a1 has one resident, a2 none
    assert "依据：《江岸区社工人才办法》（岸民〔2023〕1号）第三条「每个社工站至少配备2名驻站社工」" in page


def test_dashboard_counts_each_person_qualified_under_the_documents_of_their_hire(stations):
    from workforce.models import TrainingKind
    from workforce.selectors import RuleBook, people_with_rule_data, person_qualification, workforce_dashboard

    h = stations
    wb.document(h.county_c, rules={"qualification.routes": ["certificate"]})
    wb.document(h.county_a, effective_from=datetime.date(2024, 6, 1), rules={
        "qualification.routes": ["degree", "certificate", "training"], "qualification.training_hours": 40})
    expected = {
        wb.person(station=h.station_c1, social_work_degree=True, name="远安本科"): False,  # certificates only
        wb.person(station=h.station_a1, social_work_degree=True, name="江岸本科", start_on=datetime.date(2024, 7, 1)): True,
        wb.person(station=h.station_a1, name="江岸培训", start_on=datetime.date(2024, 7, 1)): True,
        wb.person(station=h.station_a2, name="江岸早聘", start_on=datetime.date(2024, 1, 1)): False,  # before it
        wb.person(station=h.station_b1, name="江汉培训", start_on=datetime.date(2024, 7, 1)): False,  # no document
    }
    for person in expected:
        wb.train(person, datetime.date(2024, 8, 1), 45, TrainingKind.PRE_SERVICE)
    dashboard = workforce_dashboard(region=h.province, on_date=TODAY)
    loaded = people_with_rule_data(Person.objects.filter(pk__in=[p.pk for p in expected]))
    assert {p: person_qualification(p, RuleBook(), TODAY).qualified for p in loaded} == expected
    assert (dashboard.people, dashboard.qualified) == (5, 2)
    assert dashboard.rules.routes is None  # the province's own: no document sets the routes
