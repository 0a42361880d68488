from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import NO_SCOPE, Scope, ScopedQuerySet
from stations.roles import Role


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市（州）")
    COUNTY = "county", _("县（市、区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


# Significant digits of the 12-digit statistical code at each level.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
LEVEL_ORDER = list(PREFIX_LENGTH)
CHILD_LEVEL = dict(itertools.pairwise(LEVEL_ORDER))


class RegionKind(models.TextChoices):
    XIANG = "xiang", _("乡")
    ZHEN = "zhen", _("镇")
    JIEDAO = "jiedao", _("街道")
    OTHER_TOWNSHIP = "other_township", _("其他乡级单位")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


def kind_from_name(level: str, name: str) -> str:
    """The township or village kind, read from the official name's suffix."""
    if level == RegionLevel.TOWNSHIP:
        if name.endswith("街道") or name.endswith("街道办事处"):
            return RegionKind.JIEDAO
        if name.endswith("镇"):
            return RegionKind.ZHEN
        if name.endswith("乡"):
            return RegionKind.XIANG
        return RegionKind.OTHER_TOWNSHIP
    if level == RegionLevel.VILLAGE:
        return RegionKind.COMMUNITY if "社区" in name or "居委会" in name else RegionKind.VILLAGE
    return ""


def significant_prefix(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[level]]


def ancestor_codes(prefix: str) -> list[str]:
    """The 12-digit codes of the region named by a code or code prefix and of every region above
    it, province first (a township's full code names the township itself once)."""
    return list(dict.fromkeys(prefix[:length].ljust(12, "0") for length in PREFIX_LENGTH.values()
                              if length <= len(prefix)))


def level_of_prefix(prefix: str) -> str | None:
    for level, length in PREFIX_LENGTH.items():
        if len(prefix) == length:
            return level
    return None


def existing_on_q(on_date: datetime.date, path: str = "") -> Q:
    """Regions that exist on a date: valid from ``valid_from`` to ``valid_to``, both days included
    (an empty date: since always, or still). ``path`` leads to the region (``"region__"``)."""
    return ((Q(**{f"{path}valid_from__isnull": True}) | Q(**{f"{path}valid_from__lte": on_date}))
            & (Q(**{f"{path}valid_to__isnull": True}) | Q(**{f"{path}valid_to__gte": on_date})))


def version_covers_q(on_date: datetime.date, path: str = "") -> Q:
    """Versions (:class:`RegionVersion`) in force on a date; ``path`` leads to the version."""
    return ((Q(**{f"{path}valid_from__isnull": True}) | Q(**{f"{path}valid_from__lte": on_date}))
            & Q(**{f"{path}valid_to__gte": on_date}))


class RegionQuerySet(ScopedQuerySet):
    region_code_path = "code"

    def within(self, region: Region):
        """The region itself and all its descendants."""
        return self.filter(code__startswith=region.prefix)

    def existing_on(self, on_date: datetime.date):
        """The regions that existed on a date (a township merged away before it, or set up after
        it, did not)."""
        return self.filter(existing_on_q(on_date))

    def as_on(self, on_date: datetime.date):
        """The regions that existed on a date, annotated with the name and kind they had then
        (``name_on``, ``kind_on``): their own, unless a dated change came after the date."""
        def then(field):
            return Subquery(RegionVersion.objects.filter(version_covers_q(on_date), region=OuterRef("pk"))
                            .order_by().values(field)[:1])

        return self.existing_on(on_date).annotate(name_on=Coalesce(then("name"), F("name")),
                                                  kind_on=Coalesce(then("kind"), F("kind")))

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.station_id:
            # A station head sees the region their station is in.
            return Q(stations__pk=scope.station_id)
        return super().scope_q(scope)

    def by_code_or_prefix(self, value: str):
        """The region named by its 12-digit code or its significant prefix (42, 4201, 420102)."""
        value = (value or "").strip()
        if not value.isdigit():
            return self.none()
        if len(value) == 12:
            return self.filter(code=value)
        level = level_of_prefix(value)
        if level is None:
            return self.none()
        return self.filter(level=level, code=value.ljust(12, "0"))


class Region(models.Model):
    code = models.CharField(
        _("统计用区划代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("区划代码必须是12位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    # The days the code is in use, both included; empty: since the divisions were first loaded, or
    # still. Set by dated division loads (a new code starts, a merged or abolished one ends).
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True,
                                help_text=_("该区划存在的最后一天；为空表示仍在使用。"))
    successor = models.ForeignKey(
        "self",
        verbose_name=_("并入区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("停用后，其社工站计入该区划的覆盖率（撤并）。"),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["code"], name="region_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="region_level_code_idx"),
            # The few regions set up or ended on a day (dated division loads), found without a scan.
            models.Index(fields=["code"], condition=Q(valid_from__isnull=False) | Q(valid_to__isnull=False),
                         name="region_dated_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The region's coverage dashboard (a township's or village's: its county's, where it is listed)."""
        code = self.code
        if self.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
            code = significant_prefix(self.code, RegionLevel.COUNTY).ljust(12, "0")
        return reverse("stations:coverage-dashboard", kwargs={"code": code})

    @property
    def prefix(self) -> str:
        return significant_prefix(self.code, self.level)

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def ancestors(self) -> list[Region]:
        """From the province down to the parent, in one query."""
        codes = ancestor_codes(self.prefix)[:-1]
        return list(Region.objects.filter(code__in=codes).order_by("code"))

    def clean(self):
        if self.code and self.level and self.code[PREFIX_LENGTH[self.level] :].strip("0"):
            raise ValidationError({"code": _("代码与级别不符：%(level)s级代码只能有前%(n)s位有效数字。")
                                   % {"level": self.get_level_display(), "n": PREFIX_LENGTH[self.level]}})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("停用日期不能早于启用日期。")})
        if self.successor_id and (self.valid_to is None or self.successor_id == self.pk
                                  or self.successor.level != self.level):
            raise ValidationError({"successor": _("只有已停用的区划才能并入另一个同级区划。")})

    def exists_on(self, on_date: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on_date) and (
            self.valid_to is None or on_date <= self.valid_to)

    def current_since(self) -> datetime.date | None:
        """The first day of the region's present name and kind (None: since always)."""
        last = self.versions.order_by("-valid_to").values_list("valid_to", flat=True).first()
        return last + datetime.timedelta(days=1) if last else self.valid_from


ROLE_LEVEL = {Role.PROVINCE: RegionLevel.PROVINCE, Role.CITY: RegionLevel.CITY, Role.COUNTY: RegionLevel.COUNTY}


class User(AbstractUser):
    """A person who signs in. Their scope is a role plus a region (and a
    station for station heads, an evaluating organisation for evaluators)."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    station = models.ForeignKey(
        "Station", verbose_name=_("所在站点"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, max_age_days: int) -> bool:
        """Whether the password is older than ``max_age_days`` (0: never expires; unknown age: expired)."""
        if not max_age_days:
            return False
        return self.password_changed_at is None or (
            timezone.now() - self.password_changed_at > datetime.timedelta(days=max_age_days))

    def clean(self):
        super().clean()
        if self.role in ROLE_LEVEL:
            if not self.region_id:
                raise ValidationError({"region": _("该角色必须指定所属区划。")})
            if self.region.level != ROLE_LEVEL[self.role]:
                raise ValidationError({"region": _("所属区划的级别应为：%(level)s。")
                                       % {"level": RegionLevel(ROLE_LEVEL[self.role]).label}})
        if self.role == Role.STATION_HEAD and not self.station_id:
            raise ValidationError({"station": _("站长必须指定所在站点。")})

    def scope(self) -> Scope:
        """The user's scope, failing closed on anything incomplete."""
        if self.role in ROLE_LEVEL and self.region_id:
            return Scope(prefix=self.region.prefix)
        if self.role == Role.STATION_HEAD and self.station_id:
            return Scope(station_id=self.station_id)
        if self.role == Role.EVALUATOR:
            membership = getattr(self, "organisation_membership", None)
            if membership is not None:
                return Scope(organisation_id=membership.organisation_id)
        return NO_SCOPE

    @property
    def home_region(self) -> Region | None:
        if self.role == Role.STATION_HEAD and self.station_id:
            return self.station.region
        return self.region




class RegionVersionQuerySet(ScopedQuerySet):
    region_code_path = "region__code"

    def covering(self, on_date: datetime.date):
        return self.filter(version_covers_q(on_date))


class RegionVersion(models.Model):
    """A name and kind a region had before a dated change (区划沿革): from ``valid_from`` (empty:
    since the divisions were first loaded) to ``valid_to``, both days included. The region's own
    name and kind hold from the day after its last version. Coverage at a date counts a township
    with its kind on that date, so renaming a town into a development zone from 2025 on leaves
    every figure before 2025 as it was. Written only by :mod:`stations.services.regions`."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices, blank=True)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"))

    objects = RegionVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划沿革")
        verbose_name_plural = _("区划沿革")
        ordering = ["region", "valid_to"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["region", "valid_to"], name="region_version_unique_end"),
            models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_from__lte=F("valid_to")),
                                   name="region_version_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.name}（{self.valid_from or '…'}–{self.valid_to}）"


class RegionChangeQuerySet(ScopedQuerySet):
    region_code_path = "region__code"


class RegionChange(models.Model):
    """The audit record of one dated change to a region: what changed (``changes``: field →
    [before, after]), from which day, by whom (empty: the command line), from which source
    (a division file, the admin) and why."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="changes")
    effective_on = models.DateField(_("生效日期"))
    changes = models.JSONField(_("变更内容"))
    source = models.CharField(_("来源"), max_length=300, blank=True)
    changed_by = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RegionChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划变更记录")
        verbose_name_plural = _("区划变更记录")
        ordering = ["region", "effective_on", "pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.region} {self.effective_on}"


def townships_on(region_ids, on_date: datetime.date) -> dict[int, int]:
    """Region id → id of the township a station placed in that region counted in on the date: the
    region itself, or once it was merged away before the date, its successor (and theirs). One
    query, and one more per step of a merge chain that came before the date."""
    regions: dict[int, tuple[datetime.date | None, int | None]] = {}
    wanted = set(region_ids)
    for _depth in range(20):
        wanted -= set(regions)
        if not wanted:
            break
        regions.update({pk: (valid_to, successor) for pk, valid_to, successor in
                        Region.objects.filter(pk__in=wanted).values_list("pk", "valid_to", "successor_id")})
        wanted = {successor for valid_to, successor in regions.values()
                  if successor and valid_to is not None and valid_to < on_date}

    def follow(pk: int, depth: int = 0) -> int:
        valid_to, successor = regions.get(pk, (None, None))
        if successor and valid_to is not None and valid_to < on_date and depth < 20:
            return follow(successor, depth + 1)
        return pk

    return {pk: follow(pk) for pk in set(region_ids)}
