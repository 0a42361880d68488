"""One rule for the summary tables kept beside their source rows: the service that writes the
source rows refreshes the summaries of what it wrote, in its own transaction, so that no reader
ever sees a summary out of step with the rows it summarises.

The summaries, and what they summarise:

- coverage periods (:class:`stations.models.CoveragePeriod`): a township station's status history,
  its township and the township's kind. The stations services call :func:`stations_changed`;
  division loads and a township's change of kind call :func:`townships_changed`.
- placements (:class:`workforce.models.Placement`): a person's registering region, their
  assignments, and the township of the station they are placed at. The workforce services keep
  them (see :mod:`workforce.placement`). A station moving to another township is a stations
  write, and stations imports no higher app: workforce registers a listener with
  :func:`on_stations_moved` from its ``AppConfig.ready()``, and :func:`stations_changed` calls it.

Everything is an explicit call from a service, never a Django model signal. A write that goes
past the services (bulk SQL, copied rows) calls the refresh functions itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core import figures
from stations.services.coverage_periods import refresh_coverage_periods, refresh_coverage_periods_in_regions

StationsListener = Callable[[list[int]], object]

_MOVED_LISTENERS: list[StationsListener] = []


def on_stations_moved(listener: StationsListener) -> None:
    """Register ``listener(station_ids)``, called in the writing service's transaction whenever
    stations may have moved to another township (for apps that summarise stations by township)."""
    if listener not in _MOVED_LISTENERS:
        _MOVED_LISTENERS.append(listener)


def stations_changed(station_ids: Iterable[int], *, moved: bool = False) -> None:
    """Called by every service that writes stations or their status histories, after the write.
    ``moved``: the write may have put a station in another township."""
    station_ids = sorted(set(station_ids))
    if not station_ids:
        return
    figures.changed(figures.REGISTRY)  # also after bulk writes, which no signal tells of
    refresh_coverage_periods(station_ids)
    if moved:
        for listener in _MOVED_LISTENERS:
            listener(station_ids)


def townships_changed(region_ids: Iterable[int]) -> None:
    """Called after regions were written in a way that may change a township's kind (a division
    load, an official's correction): the coverage periods are the only summary that carries it."""
    figures.changed(figures.REGISTRY)
    refresh_coverage_periods_in_regions(region_ids)
