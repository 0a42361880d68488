"""The traffic light: a region's township coverage against its applicable target, decided in one
place (``coverage_light``) for every page, export and report that shows it.

A region that has met its target is never overdue: the deadline matters only while it is unmet.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stations.models import TargetUnit
from stations.selectors.targets import ApplicableTarget

# Below the target by at most this many percentage points, and not past its deadline: close to it
# (接近目标); further below: behind (落后).
WITHIN_POINTS = Decimal(5)


class Light(models.TextChoices):
    """Worst first: the order of the trends table's default sort."""

    OVERDUE = "overdue", _("逾期未达标")
    BEHIND = "behind", _("落后")
    WITHIN = "within", _("接近目标")
    NONE = "none", _("无目标")
    MET = "met", _("已达标")


LIGHT_ORDER = {light: index for index, light in enumerate(Light)}


def coverage_light(target: ApplicableTarget | None, *, coverage_pct: Decimal | None,
                   gap_stations: int | None) -> Light:
    """The region's state against its target, from what its row shows: the applicable share target,
    the coverage in percent (one decimal, as displayed) and the stations still needed to reach the
    target (0 once it is met).

    NONE: no share target applies, or there is no township to cover. MET: no station is missing,
    whatever the date. OVERDUE: the target's due date has passed and it is not met. WITHIN: at most
    ``WITHIN_POINTS`` below the target. BEHIND: further below, the due date not yet passed."""
    if target is None or target.unit != TargetUnit.PERCENT or coverage_pct is None or gap_stations is None:
        return Light.NONE
    if gap_stations == 0:
        return Light.MET
    if target.overdue:
        return Light.OVERDUE
    if target.value - coverage_pct > WITHIN_POINTS:
        return Light.BEHIND
    return Light.WITHIN


def light_legend() -> list[tuple[Light, str]]:
    """What each light means, best first; the same text on every page and export."""
    points = f"{WITHIN_POINTS:f}"
    return [
        (Light.MET, gettext("已达到适用目标")),
        (Light.WITHIN, gettext("低于目标，差距不超过 %(n)s 个百分点，且未过完成期限") % {"n": points}),
        (Light.BEHIND, gettext("低于目标超过 %(n)s 个百分点，尚未到完成期限") % {"n": points}),
        (Light.OVERDUE, gettext("已过完成期限，仍未达到目标")),
        (Light.NONE, gettext("没有适用的覆盖率目标，或没有应覆盖的乡镇（街道）")),
    ]


def light_legend_text() -> str:
    """The legend on one line, for a workbook's header."""
    return "；".join(f"{light.label}：{text}" for light, text in light_legend())
