import datetime
from decimal import Decimal

from stations.models import Region, RegionLevel
from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, StipendKind, StipendPolicy
from workforce.selectors import person_stipend_total, region_stipends


def rate(region, kind, level, amount, start, end=None):
    policy = StipendPolicy(region=region, kind=kind, level=level, amount=Decimal(amount),
                           effective_from=start, effective_to=end)
    policy.full_clean()
    policy.save()
    return policy


def hubei(h, start=datetime.date(2021, 1, 1), end=None, amounts=("100", "200", "300")):
    for level, amount in zip(CertificateLevel.values, amounts, strict=True):
        rate(h.province, StipendKind.MONTHLY_BY_LEVEL, level, amount, start, end)


def test_monthly_by_level_with_a_policy_change_mid_year_exact_to_the_fen(stations):
    h = stations
    hubei(h, end=datetime.date(2024, 6, 30))
    hubei(h, start=datetime.date(2024, 7, 1), amounts=("150.50", "250.25", "350"))
    junior = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1))
    wb.certify(junior, CertificateLevel.JUNIOR, datetime.date(2023, 5, 1))
    upgraded = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1), name="升级")
    wb.certify(upgraded, CertificateLevel.JUNIOR, datetime.date(2022, 5, 1))
    wb.certify(upgraded, CertificateLevel.INTERMEDIATE, datetime.date(2024, 3, 15))
    uncertified = wb.person(station=h.station_a1, name="无证")
    assert person_stipend_total(person=junior, year=2024) == Decimal("1503.00")  # 6×100 + 6×150.50
    assert person_stipend_total(person=junior, year=2024, month=7) == Decimal("150.50")
    # Jan–Feb junior 2×100, Mar–Jun intermediate 4×200, Jul–Dec intermediate 6×250.25
    assert person_stipend_total(person=upgraded, year=2024) == Decimal("2501.50")
    assert person_stipend_total(person=uncertified, year=2024) == Decimal("0.00")
    report = region_stipends(user=builders.superuser(), region=h.county_a, year=2024)
    assert report.total == Decimal("4004.50")
    assert [row.total for row in report.rows] == [Decimal("2501.50"), Decimal("1503.00")]


def test_a_county_rate_overrides_the_province_and_moves_split_the_year(stations):
    h = stations
    hubei(h)
    rate(h.county_b, StipendKind.MONTHLY_BY_LEVEL, CertificateLevel.JUNIOR, "120", datetime.date(2021, 1, 1))
    person = wb.person(station=h.station_a1, start_on=datetime.date(2022, 1, 1), end_on=datetime.date(2024, 4, 15))
    wb.assign(person, h.station_b1, start_on=datetime.date(2024, 4, 16))
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2022, 1, 1))
    a = region_stipends(user=builders.superuser(), region=h.county_a, year=2024)
    b = region_stipends(user=builders.superuser(), region=h.county_b, year=2024)
    assert a.total == Decimal("300.00")  # Jan–Mar at county A, province rate
    assert b.total == Decimal("1080.00")  # Apr–Dec at county B, county rate 120
    city = region_stipends(user=builders.superuser(), region=h.city, year=2024)
    assert city.total == Decimal("1380.00")


def test_huizhou_one_off_awards_and_post_allowances(hierarchy):
    gd = Region.objects.create(code="440000000000", name="广东省", level=RegionLevel.PROVINCE)
    hz = Region.objects.create(code="441300000000", name="惠州市", level=RegionLevel.CITY, parent=gd)
    district = Region.objects.create(code="441302000000", name="惠城区", level=RegionLevel.COUNTY, parent=hz)
    town = Region.objects.create(code="441302001000", name="桥东街道", level=RegionLevel.TOWNSHIP, parent=district,
                                 kind="jiedao")
    station = builders.station(town)
    start = datetime.date(2023, 1, 1)
    rate(district, StipendKind.ONE_OFF_AWARD, CertificateLevel.JUNIOR, "2000", start)
    rate(district, StipendKind.ONE_OFF_AWARD, CertificateLevel.INTERMEDIATE, "3000", start)
    rate(district, StipendKind.MONTHLY_POST, CertificateLevel.JUNIOR, "200", start)
    rate(district, StipendKind.MONTHLY_POST, CertificateLevel.INTERMEDIATE, "300", start)
    person = wb.person(station=station, start_on=start, id_number=wb.id_number("441302"))
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2024, 10, 20))
    wb.certify(person, CertificateLevel.INTERMEDIATE, datetime.date(2025, 11, 2))
    # 2024: award 2,000 in October + post allowance 200 × 3 (Oct–Dec)
    assert person_stipend_total(person=person, year=2024) == Decimal("2600.00")
    report = region_stipends(user=builders.superuser(), region=district, year=2024)
    assert report.totals_by_kind == {StipendKind.ONE_OFF_AWARD: Decimal("2000.00"),
                                     StipendKind.MONTHLY_POST: Decimal("600.00")}


def test_overlapping_rates_for_the_same_region_kind_and_level_are_refused(stations):
    import pytest
    from django.core.exceptions import ValidationError

    hubei(stations)
    with pytest.raises(ValidationError, match="已有一条"):
        rate(stations.province, StipendKind.MONTHLY_BY_LEVEL, CertificateLevel.JUNIOR, "150", datetime.date(2024, 1, 1))


def test_region_stipends_are_scoped(stations, county_a_user):
    hubei(stations)
    person = wb.person(station=stations.station_b1)
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1))
    assert region_stipends(user=county_a_user, region=stations.city, year=2024).total == Decimal("0.00")
