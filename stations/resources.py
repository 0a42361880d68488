"""django-import-export resources of the stations app."""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.importing import (
    LOOKUP_BATCH,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ScopedForeignKeyWidget,
    ScopedModelResource,
)
from stations.models import CoLocation, Region, Station, StationKind, StationStatus, StationStatusChange
from stations.services.stations import stations_save_in_bulk
from stations.services.status_history import StatusRecord, check_status_change


class RegionPopulationResource(ScopedModelResource):
    """Updates the resident population of existing divisions (divisions themselves come from
    ``load_divisions``), so ratios such as social workers per 10,000 residents can be computed."""

    code = fields.Field(attribute="code", column_name="区划代码", widget=widgets.CharWidget())
    name = fields.Field(attribute="name", column_name="名称", readonly=True)
    population = fields.Field(attribute="population", column_name="常住人口", widget=IntegerWidget())

    class Meta(ScopedModelResource.Meta):
        model = Region
        import_id_fields = ("code",)
        fields = ("code", "name", "population")

    def init_instance(self, row=None):
        raise ValueError(_("找不到区划代码“%(code)s”，或不在您的管辖范围内。") % {"code": (row or {}).get("区划代码")})

    def before_import_row(self, row, **kwargs):
        value = row.get("区划代码")
        if isinstance(value, float) and value.is_integer():
            row["区划代码"] = str(int(value))
        elif value is not None:
            row["区划代码"] = str(value).strip()


class ResourceUserForeignKeyWidget(ScopedForeignKeyWidget):
    """Scoped to the resource's user even where django-import-export calls ``clean(row)`` without
    the user: the instance loader does so for natural-key fields (``import_id_fields``)."""

    user = None

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.visible_to(kwargs.get("user") or self.user)


class NamedStation(NamedTuple):
    """What a 站点编号 names, as the import checks a row against it."""

    region_id: int
    kind: str
    name: str
    region_name: str


def normal_region_code(value) -> str:
    """A 区划代码 cell as a 12-digit code: Excel may store it as a number, and a county or
    township may be given by its significant prefix (6 or 9 digits)."""
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    code = "" if value is None else str(value).strip()
    return code.ljust(12, "0") if code.isdigit() and len(code) in (6, 9) else code


class StationResource(ScopedModelResource):
    """Stations. A row updates an existing station only when it names it by its own key, the
    站点编号 (shown on the station's page and in the exported list); a row without one is a new
    station, refused with the existing station's number when its division already has one of its
    kind (one station per division and kind). A 状态 that differs from the station's
    current status is recorded as a dated status change (状态日期, else the opening date, else today),
    under the same rule as on screen: after the station's latest record, a step the lifecycle allows
    (a reopening, which needs a reason, is done on the station's page: the file has no reason column).

    Built for files of tens of thousands of rows: ``before_import`` loads the file's regions, the
    existing stations and their status changes in a few queries; each row is then checked in
    memory (same widgets, same ``full_clean``, same messages); and the stations and status changes
    are written together at the end (``stations_save_in_bulk``: batches, each with its history)
    only if every row passed."""

    code = fields.Field(attribute="import_code", column_name="站点编号", widget=IntegerWidget())
    township = fields.Field(attribute="region", column_name="区划代码",
                            widget=ResourceUserForeignKeyWidget(Region, "code", label="区划", only=("name", "level")))
    kind = fields.Field(attribute="kind", column_name="类型", widget=ChoiceWidget(StationKind.choices))
    name = fields.Field(attribute="name", column_name="站点名称", widget=widgets.CharWidget())
    address = fields.Field(attribute="address", column_name="地址", widget=widgets.CharWidget())
    site_area_m2 = fields.Field(attribute="site_area_m2", column_name="场地面积（平方米）", widget=DecimalWidget())
    co_location = fields.Field(attribute="co_location", column_name="合署场所", widget=ChoiceWidget(CoLocation.choices))
    opened_on = fields.Field(attribute="opened_on", column_name="挂牌日期", widget=DateWidget())
    contact_name = fields.Field(attribute="contact_name", column_name="联系人", widget=widgets.CharWidget())
    contact_phone = fields.Field(attribute="contact_phone", column_name="联系电话", widget=widgets.CharWidget())
    status = fields.Field(attribute="import_status", column_name="状态", widget=ChoiceWidget(StationStatus.choices))
    status_on = fields.Field(attribute="import_status_on", column_name="状态日期", widget=DateWidget())

    class Meta(ScopedModelResource.Meta):
        model = Station
        import_id_fields = ("township", "kind")
        fields = ("code", "township", "kind", "name", "address", "site_area_m2", "co_location", "opened_on",
                  "contact_name", "contact_phone", "status", "status_on")
        use_bulk = True  # no savepoint per row; the writes happen in after_import
        skip_diff = True  # the preview lists actions, not diffs

    STATUS_FIELDS = ("import_status", "import_status_on")
    optional_columns = ("站点编号",)  # a file without it only adds stations
    column_help = {
        "站点编号": gettext_lazy("修改已有站点时填写（见站点详情页或导出的社工站名单）；新增站点留空"),
        "区划代码": gettext_lazy("站点所在乡镇（街道）的区划代码；社工室填村（社区），指导中心填县（市、区）；可只填前 9 位或前 6 位"),
        "类型": gettext_lazy("留空为乡镇（街道）社工站"),
        "状态": gettext_lazy("站点当前状态；与系统中的状态不同时记一次状态变更（新站点留空为筹建）"),
        "状态日期": gettext_lazy("状态变更的生效日期；留空取挂牌日期，再无则取今天"),
    }
    example = {"站点编号": "", "区划代码": "420102002000", "类型": StationKind.TOWNSHIP_STATION.label,
               "站点名称": "大智街道社会工作服务站", "地址": "大智路1号", "场地面积（平方米）": 120,
               "合署场所": CoLocation.PARTY_SERVICE_CENTRE.label, "挂牌日期": "2024-03-01", "联系人": "王丽",
               "联系电话": "027-85551234", "状态": StationStatus.OPERATING.label, "状态日期": "2024-03-01"}

    def __init__(self, *, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["township"].widget.user = user  # fields are this instance's own deep copies
        self.today = timezone.localdate()
        self.existing = {}  # (region id, kind) -> station
        self.statuses = {}  # station id -> its status today
        self.latest = {}  # station id -> its latest status record that counts (not voided)
        self.status_changes = []
        self.by_code = {}  # 站点编号 -> (region id, kind, name, region name) of a station the user may see
        self._station_before = None  # an existing station's field values before its row (after_init_instance)
        self._status_labels = None

    def before_import(self, dataset, **kwargs):
        self.reason = _("Excel导入")  # once, not per row
        self.station_fields = [field for field in self.get_import_fields()
                               if field.attribute not in (*self.STATUS_FIELDS, "import_code")]
        self.by_code = {}
        if self.fields["code"].column_name in dataset.headers:
            codes = set()
            for value in dataset[self.fields["code"].column_name]:
                try:
                    codes.add(self.fields["code"].widget.clean(value))
                except ValueError:
                    continue
            codes = sorted(code for code in codes if code is not None)
            # What a row's 站点编号 is checked against; the station itself is among ``existing`` below
            # (loaded once, not twice: tens of thousands of records).
            for start in range(0, len(codes), LOOKUP_BATCH):
                for pk, *named in self.get_queryset().filter(pk__in=codes[start:start + LOOKUP_BATCH]).values_list(
                        "pk", "region_id", "kind", "name", "region__name"):
                    self.by_code[pk] = NamedStation(*named)
        township = self.fields["township"]
        if township.column_name not in dataset.headers:
            return
        township.widget.preload(normal_region_code(code) for code in dataset[township.column_name])
        region_ids = sorted({region.pk for regions in township.widget.loaded.values() for region in regions})
        regions = {region.pk: region for regions in township.widget.loaded.values() for region in regions}
        self.existing, self.statuses, self.latest, self.status_changes = {}, {}, {}, []
        for start in range(0, len(region_ids), LOOKUP_BATCH):
            batch = self.get_queryset().filter(region_id__in=region_ids[start:start + LOOKUP_BATCH])
            for station in batch:
                station.region = regions[station.region_id]
                self.existing[(station.region_id, station.kind)] = station
        station_ids = sorted(station.pk for station in self.existing.values())
        for start in range(0, len(station_ids), LOOKUP_BATCH):
            changes = (StationStatusChange.objects.active()
                       .filter(station_id__in=station_ids[start:start + LOOKUP_BATCH])
                       .order_by("effective_on", "pk").values_list("station_id", "status", "effective_on", "reason"))
            for station_id, status, effective_on, reason in changes:
                self.latest[station_id] = StatusRecord(status, effective_on, reason)
                if effective_on <= self.today:  # as Station.status_on(today)
                    self.statuses[station_id] = status

    def dehydrate_code(self, station):
        """An exported station carries its 站点编号, so the file updates it when imported back."""
        return station.pk

    def get_instance(self, instance_loader, row):
        """The station the row names by its 站点编号; none (a new station) without one."""
        code = self.fields["code"].clean(row) if self.fields["code"].column_name in row else None
        region, kind = (self.fields[name].clean(row) for name in self.get_import_id_fields())
        if code is not None:
            named = self.by_code.get(code)
            if named is None:
                self.refuse("import_code", _("找不到站点编号“%(code)s”，或不在您的管辖范围内。新增站点请将站点编号留空。")
                            % {"code": code})
                return None
            if region and (named.region_id, named.kind) != (region.pk, kind):
                self.refuse("region", _("站点编号 %(code)s 是%(region)s的%(kind)s“%(name)s”，与本行的区划代码、类型不符"
                                        "（区划和类型不能通过导入修改）。") % {
                    "code": code, "region": named.region_name,
                    "kind": dict(StationKind.choices).get(named.kind, named.kind), "name": named.name})
                return None
            station = self.existing.get((named.region_id, named.kind))
            if station is None:  # the row's own 区划代码 is unreadable (an error of its own): the station as it is
                station = self.get_queryset().select_related("region").filter(pk=code).first()
            return station
        taken = self.existing.get((region.pk, kind)) if region else None
        if taken is not None:
            self.refuse("region", _("%(region)s已有%(kind)s“%(name)s”（站点编号 %(code)s），一个区划只能有一个同类站点。"
                                    "如要修改该站点，请在“站点编号”列填写 %(code)s；如是新站点，请核对区划代码和类型。") % {
                "region": region.name, "kind": taken.get_kind_display(), "name": taken.name, "code": taken.pk})
        return None

    def before_import_row(self, row, **kwargs):
        row["区划代码"] = normal_region_code(row.get("区划代码"))
        if not row.get("类型"):
            row["类型"] = StationKind.TOWNSHIP_STATION.label
        for column in ("地址", "联系人", "联系电话", "合署场所"):
            if row.get(column) is None:
                row[column] = ""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean`` without the per-row queries: the region comes from the scoped look-up
        (so it exists), and the unique (region, kind) holds as a file repeating a key is refused
        and an existing station is found by its key. The database constraints still stand."""
        errors = dict(import_validation_errors or {})
        exclude = {*errors, "region"} if instance.region_id else set(errors)
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _current_status(self, station) -> str | None:
        return self.statuses.get(station.pk) if station.pk else None

    def _wanted_status(self, instance) -> str:
        return getattr(instance, "import_status", "") or ("" if instance.pk else StationStatus.PLANNED)

    def after_init_instance(self, instance, new, row, **kwargs):
        # What an existing station holds before the row is applied (``skip_diff`` spares a deep copy):
        # the values the preview compares with, taken once by ``get_or_init_instance``.
        self._station_before = None if new else self._before

    def _changed(self, instance) -> list[str]:
        before = self._station_before
        return [field.attribute for field in self.station_fields
                if self._value(field, instance) != before.get(field.attribute)]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self._station_before is None:
            return False
        wanted = self._wanted_status(instance)
        if wanted and wanted != self._current_status(instance):
            return False
        return not self._changed(instance)

    def row_changes(self, instance, before):
        changes = super().row_changes(instance, before)
        wanted, current = self._wanted_status(instance), self._current_status(instance)
        if wanted and wanted != current:
            if self._status_labels is None:  # once per import, in its language
                self._status_labels = {status: str(label) for status, label in StationStatus.choices}
            changes.append((self.fields["status"].column_name, self._status_labels.get(current, ""),
                            self._status_labels[wanted]))
        return changes

    def after_save_instance(self, instance, row, **kwargs):
        wanted = self._wanted_status(instance)
        if wanted and wanted != self._current_status(instance):
            effective_on = getattr(instance, "import_status_on", None) or instance.opened_on or self.today
            try:  # the file gives no reason: a reopening is refused here
                check_status_change(latest=self.latest.get(instance.pk), status=wanted, effective_on=effective_on)
            except ValidationError as refusal:  # named by the spreadsheet's columns, not the model's fields
                columns = {"effective_on": "import_status_on", "status": "import_status", "reason": "import_status"}
                errors = {columns.get(name, name): messages for name, messages in refusal.message_dict.items()}
                if "reason" in refusal.message_dict:
                    errors["import_status"] = [message + _("导入文件不能填写原因，请在站点页面上变更状态。")
                                               for message in errors["import_status"]]
                raise ValidationError(errors) from refusal
            self.status_changes.append(StationStatusChange(station=instance, status=wanted, effective_on=effective_on,
                                                           reason=self.reason, changed_by=self.user))

    def bulk_create(self, *args, **kwargs):
        """Nothing yet: see after_import."""

    def bulk_update(self, *args, **kwargs):
        """Nothing yet: see after_import."""

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run", True) and not result.has_errors() and not result.has_validation_errors():
            stations_save_in_bulk(actor=self.user, created=self.create_instances, updated=self.update_instances,
                                  status_changes=self.status_changes, reason=self.reason, on_written=self.written)
        self.create_instances, self.update_instances, self.status_changes = [], [], []
