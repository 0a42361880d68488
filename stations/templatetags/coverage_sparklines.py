"""A coverage sparkline as inline SVG, drawn on the server: no script, the same 0–100% scale in every row."""

from dataclasses import dataclass

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 3


@dataclass(frozen=True)
class Sparkline:
    coverage: str  # polyline points "x,y x,y …"
    target: str
    last: tuple[float, float] | None  # the current value, drawn as a dot
    title: str
    width: int = WIDTH
    height: int = HEIGHT


def _xy(index: int, count: int, pct) -> tuple[float, float]:
    x = PAD + index * (WIDTH - 2 * PAD) / max(count - 1, 1)
    y = PAD + (100 - float(pct)) * (HEIGHT - 2 * PAD) / 100
    return round(x, 1), round(y, 1)


def _svg_points(points) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def _polyline(values) -> str:
    return _svg_points(_xy(i, len(values), v) for i, v in enumerate(values) if v is not None)


def _steps(values) -> str:
    """A target holds until its deadline, then the next one applies: a step right after the earlier date."""
    points = []
    for i, value in enumerate(values):
        if value is None:
            continue
        if i and values[i - 1] is not None and values[i - 1] != value:
            points.append(_xy(i - 1, len(values), value))
        points.append(_xy(i, len(values), value))
    return _svg_points(points)


def _percent(value) -> str:
    return "—" if value is None else f"{value:f}%"


def sparkline_for(points, label: str = "") -> Sparkline:
    """The polylines (coverage, target) and the hover/screen-reader text listing every value."""
    coverage = [p.coverage_pct for p in points]
    present = [i for i, v in enumerate(coverage) if v is not None]
    last = _xy(present[-1], len(points), coverage[present[-1]]) if present else None
    lines = [_("%(date)s：覆盖率 %(coverage)s，目标 %(target)s") % {
        "date": date_format(p.on_date, "Y-m-d"), "coverage": _percent(p.coverage_pct),
        "target": _percent(p.target_pct and p.target_pct.normalize())} for p in points]
    return Sparkline(coverage=_polyline(coverage), target=_steps([p.target_pct for p in points]), last=last,
                     title="\n".join([label, *lines] if label else lines))


@register.inclusion_tag("stations/includes/sparkline.svg")
def coverage_sparkline(points, label=""):
    return {"spark": sparkline_for(points, label)}
