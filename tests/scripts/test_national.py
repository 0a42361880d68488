"""The synthetic national dataset behind the benchmark (scripts/national)."""

import io

import pytest
from django.db.models import Count
from django.urls import reverse

from scripts.national.command import Refused, build
from stations.models import CoveragePeriod, MonthlyReport, Region, RegionLevel, Role, Station, StationStatusChange
from stations.roles import ensure_role_groups
from tests import builders
from tests.stations.test_coverage_periods import from_history
from tests.workforce.test_placement import stored, worked_out
from workforce.models import Employment, Person

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def national(db):
    out = io.StringIO()
    build(scale=0.001, stdout=out)
    return out.getvalue()


def test_builds_every_level_with_histories_and_reports(national):
    levels = dict(Region.objects.values_list("level").annotate(n=Count("pk")))
    assert levels == {RegionLevel.PROVINCE: 1, RegionLevel.CITY: 1, RegionLevel.COUNTY: 3, RegionLevel.TOWNSHIP: 41}
    stations = Station.objects.filter(kind="station")
    assert 30 <= stations.count() <= 41
    assert not stations.filter(status_changes__isnull=True).exists()
    assert StationStatusChange.objects.filter(status="operating").exists()
    assert MonthlyReport.objects.filter(status="approved").count() > 0.8 * MonthlyReport.objects.count() > 500
    assert Person.objects.count() >= 3 * stations.count() > Employment.objects.filter(end_on__isnull=False).count()
    assert "reports" in national


@pytest.mark.django_db(transaction=True)  # --force empties the database: TRUNCATE needs its own transaction
def test_is_deterministic_and_refuses_a_filled_database(national):
    names = list(Station.objects.order_by("pk").values_list("name", flat=True)[:20])
    with pytest.raises(Refused):
        build(scale=0.001, stdout=io.StringIO())
    build(scale=0.001, force=True, stdout=io.StringIO())
    assert list(Station.objects.order_by("pk").values_list("name", flat=True)[:20]) == names


def test_pages_render_for_a_province_official(national, client):
    province = Region.objects.get(level=RegionLevel.PROVINCE)
    official = builders.user("sheng", Role.PROVINCE, province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    client.force_login(official)
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    station = Station.objects.filter(region__code__startswith=county.prefix).first()
    for url in (reverse("stations:coverage-dashboard", kwargs={"code": province.code}),
                reverse("stations:station-list") + f"?region={county.code}",
                reverse("stations:report-completeness"),
                station.get_absolute_url(),
                reverse("workforce:person-list"),
                reverse("admin:stations_station_changelist"),
                reverse("admin:stations_monthlyreport_changelist"),
                reverse("admin:workforce_person_changelist")):
        response = client.get(url)
        assert response.status_code == 200, url
    assert station.name in client.get(station.get_absolute_url()).content.decode()


def test_copied_rows_come_with_the_summaries_the_services_keep(national):
    assert CoveragePeriod.objects.exists() and Person.objects.exists()
    assert set(CoveragePeriod.objects.values_list(
        "station_id", "township_code", "township_kind", "starts_on", "ends_on")) == from_history()
    assert stored() == worked_out()
