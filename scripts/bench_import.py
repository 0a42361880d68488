"""The station import's steps for ``scripts/bench.py``, each run in a fresh process (``bench.py --import``)
so that its peak memory is its own. Imported once Django is set up."""

from __future__ import annotations

import resource
import time
from io import BytesIO
from pathlib import Path

from stations.models import Region, RegionLevel, Station, User


def peak_rss_mib() -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across exec, so a child started
    after the generator would report the parent's peak; ``VmHWM`` is the process's own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def station_workbook(user, rows: int) -> bytes:
    """A station spreadsheet of ``rows`` townships as a user would upload it: existing township
    stations updated by their 站点编号 (a new contact phone), the other townships given a new station."""
    from openpyxl import Workbook

    from stations.models import StationKind
    from stations.resources import StationResource

    existing = dict(Station.objects.filter(kind=StationKind.TOWNSHIP_STATION).values_list("region__code", "pk"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社工站")
    sheet.append([f.column_name for f in StationResource(user=user).get_import_fields()])
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code").values_list("code", "name")
    for code, name in townships[:rows]:
        if code in existing:
            sheet.append([existing[code], code, "乡镇（街道）社工站", f"{name}社会工作服务站", "", "", "", "", "",
                          "13900000000", "", ""])
        else:  # a new station, opened as a pilot
            sheet.append(["", code, "乡镇（街道）社工站", f"{name}社工站", "", "80", "党群服务中心", "2025-03-01", "张三",
                          "13900000001", "试点", "2025-03-01"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_bench(step: str, rows: int, folder: str) -> dict:
    """Runs in a fresh process, so that its peak memory is its own: one step of a station spreadsheet's
    import as the upload screen does it. ``preview``: the workbook is written (not timed) and read with
    openpyxl in read-only mode (the floor), then read and checked as an upload, and its rows kept for the
    confirmation; ``confirm``: the kept rows checked again and written."""
    from openpyxl import load_workbook

    from core.importing import read_workbook, run_import
    from core.importing.files import sheet_dumps, sheet_loads
    from stations.resources import StationResource

    user = User.objects.get(username="bench_root")
    workbook, kept = Path(folder) / "stations.xlsx", Path(folder) / "rows.json"
    result = {}
    if step == "preview":
        workbook.write_bytes(station_workbook(user, rows))
        start = time.perf_counter()
        book = load_workbook(BytesIO(workbook.read_bytes()), read_only=True, data_only=True)
        result["rows"] = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True)) - 1
        book.close()
        result["floor"] = time.perf_counter() - start
    columns = [f.column_name for f in StationResource(user=user).get_import_fields()]
    start = time.perf_counter()
    if step == "preview":
        dataset = read_workbook(workbook.read_bytes(), filename=workbook.name, columns=columns, max_rows=50_000)
    else:
        dataset = sheet_loads(kept.read_bytes())
    report = run_import(StationResource(user=user), dataset, user=user, dry_run=step == "preview")
    if step == "preview":
        kept.write_bytes(sheet_dumps(dataset))
    result["seconds"] = time.perf_counter() - start
    result["errors"] = len(report.error_rows) + len(report.file_errors)
    # Peak memory is the process's peak RSS: tracemalloc would slow the import three to four times
    # and add its own bookkeeping to the very memory being measured.
    result["rss_mib"] = peak_rss_mib()
    return result
