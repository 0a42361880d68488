"""Stations and their status histories: a station in most townships, a centre in some counties."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from scripts.national.plan import STATION_SHARE, at, contact_name, mobile_number
from scripts.national.tables import STATION, STATUS_CHANGE, Rows

if TYPE_CHECKING:
    from scripts.national.generator import Generator

CO_LOCATIONS = ("party_centre", "convenience_centre", "civil_affairs", "standalone")


def write(g: Generator):
    rng = g.plan.rng("stations")
    stations, changes = Rows(STATION), Rows(STATUS_CHANGE)
    for township_id, code, name, _kind in g.townships:
        if rng.random() > STATION_SHARE:
            continue
        planned = rng.random() < 0.03
        opened = None if planned else g.plan.today - datetime.timedelta(days=rng.randint(90, 365 * 6 + 180))
        station_id = stations.add(
            id=stations.next_id, region_id=township_id, name=f"{name}社会工作服务站", kind="station",
            address=f"{name}人民政府院内", site_area_m2=Decimal(rng.randint(60, 400)),
            co_location=rng.choice(CO_LOCATIONS), opened_on=opened, contact_name=contact_name(rng),
            contact_phone=mobile_number(rng), created_at=g.now, updated_at=g.now)
        history, until = _history(rng, opened, g.plan.today)
        if opened:
            g.station_life[station_id] = (code[:6], opened, until)
        for status, day in history:
            _change(changes, station_id, status, day)
        g.stations_by_county.setdefault(code[:6], []).append(station_id)
    _centres(g, rng, stations, changes)
    g.note("stations", g.writer.insert(STATION, stations.rows))
    g.note("status_changes", g.writer.insert(STATUS_CHANGE, changes.rows))


def _history(rng: random.Random, opened: datetime.date | None,
             today: datetime.date) -> tuple[list[tuple[str, datetime.date]], datetime.date | None]:
    """Planned, then pilot from the opening, operating, and for a few suspended or closed; with the
    day the station stopped covering its township (None: still covering)."""
    history = [("planned", (opened or today) - datetime.timedelta(days=rng.randint(60, 200)))]
    until = None
    if opened:
        history.append(("pilot", opened))
        operating = opened + datetime.timedelta(days=rng.randint(90, 365))
        if operating < today:
            history.append(("operating", operating))
            draw = rng.random()
            if draw < 0.05:
                stop = operating + datetime.timedelta(days=rng.randint(30, 900))
                if stop < today:
                    until = stop
                    history.append(("suspended" if draw < 0.04 else "closed", stop))
    return history, until


def _change(changes: Rows, station_id: int, status: str, day: datetime.date):
    changes.add(id=changes.next_id, station_id=station_id, status=status, effective_on=day, reason="",
                recorded_at=at(day), voided=False, voided_reason="")


def _centres(g: Generator, rng: random.Random, stations: Rows, changes: Rows):
    """A guidance centre, operating, in about two counties in five (after all the township stations)."""
    for county_id, code, name in g.counties:
        if rng.random() < 0.4:
            opened = g.plan.today - datetime.timedelta(days=rng.randint(365, 365 * 5))
            station_id = stations.add(
                id=stations.next_id, region_id=county_id, name=f"{name}社会工作服务指导中心", kind="centre",
                address=f"{name}民政局", site_area_m2=Decimal(200), co_location="civil_affairs", opened_on=opened,
                contact_name="", contact_phone="", created_at=g.now, updated_at=g.now)
            g.centres[code[:6]] = station_id
            _change(changes, station_id, "operating", opened)
