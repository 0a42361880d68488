"""What the home page and the reporting-chain page take from the stations app: the user's scope,
the regions a chain report can be chosen from, reports awaiting review and filing completeness
by month. Scoped like every read."""

import datetime

import pytest
import time_machine

from stations.models import Role
from stations.reports.selectors.chain import chain_regions
from stations.reports.selectors.lists import report_review_summary
from stations.selectors import report_completeness, report_completeness_months, report_list
from stations.selectors.stations import county_names, scope_summary
from tests import builders
from tests.stations import report_builders as rb

pytestmark = pytest.mark.django_db


def test_scope_summary_of_a_county_user(hierarchy):
    h = hierarchy
    builders.station(h.a1)
    builders.station(h.b1)
    summary = scope_summary(user=builders.county_user(h))
    assert summary.home_region == h.county_a
    assert summary.ancestors == [h.province, h.city]
    assert summary.station_count == 1  # not county B's
    assert list(summary.child_regions) == [h.a1, h.a2, h.a3]
    nobody = scope_summary(user=builders.user("nobody"))
    assert (nobody.home_region, nobody.ancestors, nobody.station_count, nobody.child_regions) == (None, [], 0, [])


def test_county_names_by_prefix(hierarchy):
    h = hierarchy
    assert county_names(region=h.city) == {"420102": "江岸区", "420103": "江汉区"}
    assert county_names(region=h.county_a) == {"420102": "江岸区"}


def test_chain_regions_default_to_the_users_own_and_refuse_anothers(hierarchy):
    h = hierarchy
    county = builders.county_user(h)
    picked = chain_regions(user=county)
    assert (picked.region, picked.kind, list(picked.choices)) == (h.county_a, "quarter", [h.county_a])
    assert chain_regions(user=county, code="420103").region is None
    assert chain_regions(user=county, code="4201").region is None  # the city above is not theirs
    city = builders.user("city", Role.CITY, h.city)
    picked = chain_regions(user=city, code="420102")
    assert (picked.region, picked.kind) == (h.county_a, "quarter")
    assert (chain_regions(user=city).region, chain_regions(user=city).kind) == (h.city, "half")


def test_chain_regions_of_a_superuser_every_city_and_the_chosen_provinces_counties(hierarchy):
    h = hierarchy
    root = builders.superuser()
    picked = chain_regions(user=root, code="420102")
    assert picked.region == h.county_a
    assert h.gansu_city in picked.choices and h.county_b in picked.choices
    assert h.gansu_county not in picked.choices
    assert h.gansu_county in chain_regions(user=root, code="6201").choices
    assert chain_regions(user=root).region == h.city  # the first city


def test_review_summary_counts_the_submitted_reports_of_the_list(hierarchy):
    h = hierarchy
    a1, b1 = builders.station(h.a1), builders.station(h.b1)
    rb.report(a1, rb.head(a1), datetime.date(2026, 2, 1), submit_at=rb.at(2026, 3, 3))
    rb.report(b1, rb.head(b1), datetime.date(2026, 2, 1), submit_at=rb.at(2026, 3, 3))
    county = builders.county_user(h)
    queue = report_review_summary(user=county)
    assert queue.count == report_list(user=county, status=queue.status).count() == 1


def test_completeness_months_up_to_the_current_month(hierarchy):
    h = hierarchy
    a1 = builders.station(h.a1)
    builders.station(h.b1)
    rb.report(a1, rb.head(a1), datetime.date(2026, 7, 1), submit_at=rb.at(2026, 8, 3))
    county = builders.county_user(h)
    with time_machine.travel(rb.at(2026, 8, 20), tick=False):
        months = report_completeness_months(user=county, region=h.county_a, first=datetime.date(2026, 7, 1),
                                            last=datetime.date(2026, 9, 1))
        assert [period for period, _row in months] == [datetime.date(2026, 7, 1), datetime.date(2026, 8, 1)]
        july = report_completeness(user=county, region=h.county_a, period=datetime.date(2026, 7, 1)).total
    assert months[0][1] == july and (july.expected, july.on_time + july.late) == (1, 1)
