"""The past stays put: a random run of ordinary entries made after a date D (new stations, forward
status changes, a station import, a division reload effective after D) leaves every figure for D
byte for byte what it was, and the entries that would reach back before D are refused.

Each rule is exercised: a back-dated status change (service and import) must be refused, and a
division file that changes townships must be dated. Switch either rule off and a figure for D moves."""

import datetime
import random
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from openpyxl import Workbook

from stations import services
from stations.models import STATUS_TRANSITIONS, Region, Station, StationStatus
from stations.services.status_history import latest_status_record
from tests import builders
from tests.stations.test_dated_divisions import (  # the Ningxia county and its figures
    DIVISIONS_2025,
    command_bytes,
    figures,
    load,
    ningxia,  # noqa: F401 (a fixture)
    write,
)
from tests.stations.test_station_import import HEADER

D = datetime.date(2024, 12, 31)
EARLIER = datetime.date(2023, 6, 30)
LABELS = {StationStatus.PLANNED: "筹建", StationStatus.PILOT: "试点", StationStatus.OPERATING: "运营",
          StationStatus.SUSPENDED: "暂停", StationStatus.CLOSED: "关闭"}


def snapshot(world) -> dict:
    return {
        "coverage_report at D": command_bytes("coverage_report", "--region", "64", "--at", D.isoformat()),
        "coverage_report earlier": command_bytes("coverage_report", "--region", "640181", "--at", EARLIER.isoformat()),
        "figures at D": figures(D, world),
    }


def import_file(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("社工站.xlsx", buffer.getvalue())


class Replay:
    """Ordinary entries, each dated after D; the back-dated ones must be refused."""

    def __init__(self, world, seed, client):
        self.world, self.rng, self.client = world, random.Random(seed), client
        self.actor = builders.superuser()
        self.day = D + datetime.timedelta(days=1)
        self.reloaded = False
        self.log = []

    def later(self) -> datetime.date:
        self.day += datetime.timedelta(days=self.rng.randint(1, 40))
        return self.day

    def live_townships(self):
        return list(Region.objects.filter(code__startswith="640181", level="township", valid_to__isnull=True,
                                          stations__isnull=True))

    def new_station(self):
        free = self.live_townships()
        if free:
            township = self.rng.choice(free)
            status = self.rng.choice([StationStatus.PLANNED, StationStatus.PILOT, StationStatus.OPERATING])
            builders.station(township, actor=self.actor, status=status, on=self.later())
            self.log.append(f"new station {township.name} {status}")

    def forward_change(self):
        station = self.rng.choice(list(Station.objects.filter(region__code__startswith="640181")))
        latest = latest_status_record(station)
        status = self.rng.choice(sorted(STATUS_TRANSITIONS[latest.status]))
        services.station_change_status(actor=self.actor, station=station, status=status, effective_on=self.later(),
                                       reason="重新开业" if latest.status == StationStatus.CLOSED else "")
        self.log.append(f"{station.name} → {status}")

    def back_dated_change(self):
        station = self.rng.choice(list(Station.objects.filter(region__code__startswith="640181")))
        latest = latest_status_record(station)
        status = self.rng.choice(sorted(STATUS_TRANSITIONS[latest.status]))
        when = latest.effective_on - datetime.timedelta(days=self.rng.randint(0, 400))
        with pytest.raises(ValidationError):
            services.station_change_status(actor=self.actor, station=station, status=status, effective_on=when,
                                           reason="重新开业")
        self.log.append(f"refused: {station.name} → {status} on {when}")

    def back_dated_import(self):
        station = self.rng.choice(list(Station.objects.filter(region__code__startswith="640181")))
        latest = latest_status_record(station)
        status = self.rng.choice(sorted(STATUS_TRANSITIONS[latest.status]))
        when = min(latest.effective_on, D) - datetime.timedelta(days=self.rng.randint(1, 300))
        preview = self.client.post("/stations/import/", {"file": import_file([[
            station.region.code, "乡镇（街道）社工站", station.name, "", "", "", "", "", "", LABELS[status],
            when.isoformat()]])})
        assert preview.status_code == 200 and not preview.context["token"], "a back-dated import row was accepted"
        self.log.append(f"refused import: {station.name} → {status} on {when}")

    def undated_reload(self):
        if not self.reloaded:
            with pytest.raises(CommandError):
                load(write(self.world["tmp_path"], "2025-undated.csv", DIVISIONS_2025))
            self.log.append("refused undated reload")

    def dated_reload(self):
        if not self.reloaded:
            load(write(self.world["tmp_path"], "2025.csv", DIVISIONS_2025), "--effective", "2025-01-01")
            self.reloaded = True
            self.log.append("reload effective 2025-01-01")

    def run(self, steps: int):
        moves = [self.new_station, self.forward_change, self.forward_change, self.back_dated_change,
                 self.back_dated_import, self.undated_reload, self.dated_reload]
        for _ in range(steps):
            self.rng.choice(moves)()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_for_a_past_date_survive_a_random_run_of_later_entries(ningxia, client,  # noqa: F811
                                                                        settings, tmp_path, seed):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(builders.superuser())
    before = snapshot(ningxia)
    replay = Replay(ningxia, seed, client)
    replay.run(18)
    replay.dated_reload()  # every run includes the division change
    after = snapshot(ningxia)
    for key in before:
        assert after[key] == before[key], f"{key} moved after: {replay.log}"
    # the run did change the present, so the comparison is not vacuous
    assert command_bytes("coverage_report", "--region", "64", "--at", replay.day.isoformat()) \
        != before["coverage_report at D"]

