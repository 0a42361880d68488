"""Social workers: about three per station with their assignments (a few moved from another
station in the county), two per county centre, the rest registered but not yet placed; certificates
and training records for some."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from scripts.national.plan import GIVEN, PEOPLE_PER_STATION, SURNAMES, TRAININGS, mobile_number
from scripts.national.tables import CERTIFICATE, EMPLOYMENT, PERSON, TRAINING, Rows
from workforce.validators import id_check_character

if TYPE_CHECKING:
    from scripts.national.generator import Generator


def write(g: Generator):
    Staff(g).write()


class Staff:
    def __init__(self, g: Generator):
        self.g = g
        self.rng = g.plan.rng("people")
        self.today = g.plan.today
        self.people, self.jobs = Rows(PERSON), Rows(EMPLOYMENT)
        self.certificates, self.trainings = Rows(CERTIFICATE), Rows(TRAINING)
        self.seen_ids: set[str] = set()
        self.county_ids = {code[:6]: pk for pk, code, _name in g.counties}

    def write(self):
        g = self.g
        target = round(sum(len(s) for s in g.stations_by_county.values()) * PEOPLE_PER_STATION)
        for county, stations in sorted(g.stations_by_county.items()):
            for station in stations:
                self.station(county, stations, station, g.org_by_county.get(county))
            if county in g.centres:
                for _ in range(2):
                    self.job(self.person(county), g.centres[county], "centre_staff",
                             self.today - datetime.timedelta(days=700))
        while len(self.people.rows) < target and g.stations_by_county:  # registered but not yet placed
            self.person(self.rng.choice(sorted(g.stations_by_county)))
        for rows, key in ((self.people, "people"), (self.jobs, "employments"), (self.certificates, "certificates"),
                          (self.trainings, "trainings")):
            g.note(key, g.writer.insert(rows.table, rows.rows))

    def station(self, county: str, stations: list[int], station: int, org: int | None):
        """The station's staff, the first its head; some came from another station in the county."""
        rng, today = self.rng, self.today
        opened = self.g.station_life.get(station, (None, today - datetime.timedelta(days=60), None))[1]
        for index in range(3 if rng.random() < 0.85 else rng.choice((2, 4))):
            start = opened + datetime.timedelta(days=rng.randint(0, 400))
            start = min(start, today - datetime.timedelta(days=10))
            employer = org if rng.random() < 0.7 else None
            person_id = self.person(county)
            if rng.random() < 0.1 and len(stations) > 1:  # moved here from another station in the county
                before = rng.choice([s for s in stations[:3] if s != station] or stations)
                if before != station:
                    self.job(person_id, before, "resident", start - datetime.timedelta(days=400),
                             start - datetime.timedelta(days=1), employer)
            self.job(person_id, station, "station_head" if index == 0 else "resident", start, None, employer)

    def person(self, county: str) -> int:
        """A person registered in the county (a unique ID number), with certificate and training."""
        rng, now = self.rng, self.g.now
        while True:
            born = datetime.date(rng.randint(1970, 2002), rng.randint(1, 12), rng.randint(1, 28))
            body = f"{county}{born:%Y%m%d}{rng.randint(0, 999):03d}"
            if body not in self.seen_ids:
                break
        self.seen_ids.add(body)
        person_id = self.people.add(
            id=self.people.next_id, gender="M" if int(body[16]) % 2 else "F",
            education=rng.choice((2, 3, 3, 4, 4, 4, 5)),
            name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(('', rng.choice(GIVEN)))}",
            birth_date=born, id_number=body + id_check_character(body), phone=mobile_number(rng),
            major="社会工作" if rng.random() < 0.4 else "", social_work_degree=rng.random() < 0.35,
            local_hukou=rng.random() < 0.8, registered_region_id=self.county_ids[county], notes="",
            created_at=now, updated_at=now)
        self.qualifications(person_id)
        return person_id

    def qualifications(self, person_id: int):
        rng = self.rng
        if rng.random() < 0.45:
            obtained = self.today - datetime.timedelta(days=rng.randint(30, 3000))
            level = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.85 else 3
            self.certificates.add(id=self.certificates.next_id, person_id=person_id, level=level,
                                  number=f"{obtained.year}{level}{person_id:09d}", obtained_on=obtained)
        for held in sorted(rng.sample(range(30, 1500), rng.choice((0, 1, 1, 2, 3)))):
            kind, title = rng.choice(TRAININGS)
            self.trainings.add(id=self.trainings.next_id, person_id=person_id,
                               held_on=self.today - datetime.timedelta(days=held), kind=kind, title=title,
                               provider="省社会工作联合会", hours=Decimal(rng.choice((8, 16, 24, 40))))

    def job(self, person_id: int, station_id: int, role: str, start: datetime.date, end=None, employer=None):
        self.jobs.add(id=self.jobs.next_id, person_id=person_id, employer_id=employer, station_id=station_id,
                      role=role, start_on=start, end_on=end, notes="")
