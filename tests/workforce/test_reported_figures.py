"""Province-wide workforce targets against the figure the province reports (填报数), with the
registry's own count (系统统计数) beside it: Gansu's 14th five-year plan sets 10,000 certified social
workers and 24,000 professionals by 2025-12-31, far more people than its stations' rosters hold."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stations.models import RegionLevel, Role
from stations.packs import PACK_DIR, load_packs
from stations.roles import ensure_role_groups
from tests import builders
from tests.admin_forms import form_data
from tests.stations.pack_builders import create_regions
from tests.workforce import builders as wb
from workforce import services
from workforce.models import CertificateLevel, ReportedFigure, ReportedMetric

D = datetime.date
ON = D(2025, 6, 30)
CERTIFIED = ReportedMetric.CERTIFIED_SOCIAL_WORKERS


@pytest.fixture
def gansu(db):
    regions = create_regions(["62", "42"])
    load_packs([PACK_DIR / "d2_gansu_14fyp.toml"], actor=builders.superuser())
    city = builders.region("6201", "兰州市", RegionLevel.CITY, regions["62"])
    county = builders.region("620102", "城关区", RegionLevel.COUNTY, city)
    station = builders.station(builders.region("620102001", "酒泉路街道", RegionLevel.TOWNSHIP, county))
    for n in range(3):
        person = wb.person(station=station, name=f"社工{n}", start_on=D(2023, 1, 1))
        if n < 2:
            wb.certify(person, CertificateLevel.JUNIOR, D(2024, 5, 1))
    official = builders.user("gansu", Role.PROVINCE, regions["62"], is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    hubei = builders.user("hubei", Role.PROVINCE, regions["42"], is_staff=True)
    hubei.groups.add(ensure_role_groups()[Role.PROVINCE])
    return {"province": regions["62"], "county": county, "official": official, "hubei": hubei}


def _targets(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("workforce:dashboard"), {"on": ON.isoformat(), **params})
    page = response.content.decode()
    return response.context["dashboard"].targets, page.split("人才队伍目标", 1)[1].split("</section>", 1)[0]


def test_without_a_reported_figure_the_target_is_not_compared_with_the_rosters(client, gansu):
    rows, section = _targets(client, gansu["official"])
    certified = next(row for row in rows if row.target.value == 10000)
    assert (certified.system_count, certified.reported, certified.gap) == (2, None, None)
    assert "尚未填报" in section and "甘肃省尚未填报该项数据，无法与目标比较" in section
    assert "还差 9998 人" not in section and "已达标" not in section
    assert "力争全省社会工作专业人才达到2.4万人,持证社工达到1万人" in section


def test_the_certified_target_shows_the_entered_figure_and_the_system_count_side_by_side(client, gansu):
    services.reported_figure_set(actor=gansu["official"], region=gansu["province"], metric=CERTIFIED, year=2024,
                                 value=8650, source="甘肃省民政厅2024年社会工作统计")
    services.reported_figure_set(actor=gansu["official"], region=gansu["province"], metric=CERTIFIED, year=2026,
                                 value=12000, source="不应使用：晚于查看日期的年度")
    rows, section = _targets(client, gansu["official"])
    certified = next(row for row in rows if row.target.value == 10000)
    assert (certified.reported.value, certified.system_count, certified.gap) == (8650, 2, 1350)
    assert "8650" in section and "2024年末，来源：甘肃省民政厅2024年社会工作统计" in section
    assert "还差 1350 人" in section and "还差 9998 人" not in section
    cells = section.split("持证社会工作者人数", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in cells  # the system count, beside the reported figure
    professionals = next(row for row in rows if row.target.value == 24000)
    assert (professionals.reported, professionals.gap) == (None, None)  # nothing entered for it


def test_a_later_year_replaces_the_figure_and_a_correction_is_audited(gansu):
    figure = services.reported_figure_set(actor=gansu["official"], region=gansu["province"], metric=CERTIFIED,
                                          year=2024, value=8650, source="统计年报")
    services.reported_figure_set(actor=gansu["official"], region=gansu["province"], metric=CERTIFIED, year=2024,
                                 value=8700, source="统计年报（更正）")
    figure.refresh_from_db()
    assert (figure.value, ReportedFigure.objects.count()) == (8700, 1)
    assert [h.history_user for h in figure.history.all()] == [gansu["official"], gansu["official"]]
    latest = ReportedFigure.objects.latest_by_metric(gansu["province"], 2025)
    assert latest[CERTIFIED].value == 8700


def test_only_the_provinces_officials_enter_its_figures_and_with_a_source(gansu):
    county_user = builders.user("lanzhou", Role.COUNTY, gansu["county"])
    for actor in (county_user, gansu["hubei"]):
        with pytest.raises(PermissionDenied):
            services.reported_figure_set(actor=actor, region=gansu["province"], metric=CERTIFIED, year=2024,
                                         value=1, source="来源")
    with pytest.raises(ValidationError, match="数据来源"):
        services.reported_figure_set(actor=gansu["official"], region=gansu["province"], metric=CERTIFIED, year=2024,
                                     value=1, source="  ")
    assert not ReportedFigure.objects.exists()


def test_entered_in_the_admin_by_the_province_and_not_seen_by_another(client, gansu):
    client.force_login(gansu["official"])
    url = reverse("admin:workforce_reportedfigure_add")
    data = {**form_data(client.get(url)), "region": str(gansu["province"].pk), "metric": CERTIFIED, "year": "2024",
            "value": "8650", "source": "甘肃省民政厅2024年社会工作统计"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    figure = ReportedFigure.objects.get()
    assert figure.history.get().history_user == gansu["official"]
    client.force_login(gansu["hubei"])
    listing = client.get(reverse("admin:workforce_reportedfigure_changelist")).content.decode()
    assert "甘肃省民政厅2024年社会工作统计" not in listing
    assert client.get(reverse("admin:workforce_reportedfigure_change", args=[figure.pk])).status_code in (302, 404)
    response = client.get(reverse("workforce:dashboard"), {"region": "62", "on": ON.isoformat()})
    assert response.context["dashboard"].region.code == "420000000000"  # asked for Gansu, shown Hubei
    assert "8650" not in response.content.decode()


def test_the_organisation_target_is_measured_by_the_registrys_own_count_on_the_date(client, gansu):
    from projects.models import Organisation
    from tests.projects import builders as pb

    for _ in range(3):
        pb.organisation(gansu["county"])
    pb.organisation(builders.region("420102", "江岸区", RegionLevel.COUNTY))  # Hubei: not Gansu's
    today = datetime.date.today()
    client.force_login(gansu["official"])

    def organisations_row(on):
        response = client.get(reverse("workforce:dashboard"), {"on": on.isoformat()})
        row = next(row for row in response.context["dashboard"].targets if row.target.value == 380)
        section = response.content.decode().split("人才队伍目标", 1)[1].split("</section>", 1)[0]
        return row, section.split("社会工作服务机构数", 1)[1].split("</tr>", 1)[0]

    row, cells = organisations_row(today)
    assert (row.system_count, row.actual, row.gap) == (3, 3, 377)
    assert "还差 377 家（按系统统计数）" in cells and "不需填报" in cells and "尚未填报" not in cells
    # a day before any of them was entered, the figure is what the registry held then
    row, cells = organisations_row(today - datetime.timedelta(days=1))
    assert (row.system_count, row.gap) == (0, 380)
    # one deleted today: today's figure drops, yesterday's does not move
    Organisation.objects.filter(region=gansu["county"]).first().delete()
    assert organisations_row(today)[0].system_count == 2
    assert organisations_row(today - datetime.timedelta(days=1))[0].system_count == 0
    # Hubei's official sees neither Gansu's target nor its organisations
    client.force_login(gansu["hubei"])
    response = client.get(reverse("workforce:dashboard"), {"region": "62"})
    assert response.context["dashboard"].region.code == "420000000000" and response.context["dashboard"].targets == []
    assert "还差 377 家" not in response.content.decode()
