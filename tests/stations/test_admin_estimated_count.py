"""The report admin's unfiltered list takes its total from PostgreSQL's statistics; any filter or
scope counts exactly."""

import datetime

import pytest
from django.db import connection

from core.admin import EstimatedCountPaginator
from stations.models import MonthlyReport
from tests import builders
from tests.stations import report_builders as rb

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="table statistics are PostgreSQL's")


@pytest.mark.django_db
def test_unfiltered_count_is_the_estimate_and_a_filtered_one_is_exact(monkeypatch):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    head = rb.head(station)
    for month in (8, 9, 10):
        rb.report(station, head, datetime.date(2026, month, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stations_monthlyreport")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'stations_monthlyreport'::regclass")
        estimate = cursor.fetchone()[0]
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", -1)
    everything = EstimatedCountPaginator(MonthlyReport.objects.order_by("pk"), 100)
    assert everything.count == estimate
    filtered = EstimatedCountPaginator(MonthlyReport.objects.filter(period__month=9).order_by("pk"), 100)
    assert filtered.count == 1
