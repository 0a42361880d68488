"""Monthly-report test data, built through the report services (same rules as the screens)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from stations import services
from stations.models import MonthlyReport, Role, ServiceDomain, TargetGroup
from tests import builders

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def head(station, username=None):
    return builders.user(username or f"head_{station.region.code[:9]}", Role.STATION_HEAD, station.region,
                         station=station)


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def line(domain=ServiceDomain.ELDERLY_CARE, group=TargetGroup.ELDERLY_IN_DIFFICULTY, **counts):
    return {"domain": domain, "target_group": group, **counts}


def report(station, actor, period, *, lines=(), submit_at=None, approve_by=None, return_by=None, **data):
    """A report for ``period`` (a date in the month), optionally submitted at a moment
    (Asia/Shanghai), then approved or returned by a county user."""
    moment = submit_at or at(period.year, period.month, 20)
    with time_machine.travel(moment, tick=False):
        obj = services.report_create(actor=actor, station=station, period=period)
        obj = services.report_save(actor=actor, report=obj, expected_version=obj.version, data=data,
                                   lines=list(lines))
        if submit_at:
            obj = services.report_submit(actor=actor, report=obj, expected_version=obj.version)
            if approve_by:
                obj = services.report_approve(actor=approve_by, report=obj)
            elif return_by:
                obj = services.report_return(actor=return_by, report=obj, reason="数据需核实")
    return MonthlyReport.objects.get(pk=obj.pk)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Test users sign in with force_login; slow key stretching only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
