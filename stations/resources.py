"""django-import-export resources of the stations app."""

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets

from stations.importing import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ScopedForeignKeyWidget,
    ScopedModelResource,
)
from stations.models import CoLocation, Region, Station, StationKind, StationStatus
from stations.services.stations import station_change_status


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


class StationResource(ScopedModelResource):
    """Stations by natural key (division code + kind). A 状态 that differs from the station's
    current status is recorded as a dated status change (状态日期, else the opening date, else today)."""

    township = fields.Field(attribute="region", column_name="区划代码",
                            widget=ResourceUserForeignKeyWidget(Region, "code", label="区划"))
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
        fields = ("township", "kind", "name", "address", "site_area_m2", "co_location", "opened_on",
                  "contact_name", "contact_phone", "status", "status_on")

    STATUS_FIELDS = ("import_status", "import_status_on")

    def __init__(self, *, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["township"].widget.user = user  # fields are this instance's own deep copies

    def before_import_row(self, row, **kwargs):
        code = row.get("区划代码")
        if isinstance(code, float) and code.is_integer():
            code = str(int(code))
        code = "" if code is None else str(code).strip()
        if code.isdigit() and len(code) in (6, 9):
            code = code.ljust(12, "0")  # a county or township's significant prefix
        row["区划代码"] = code
        if not row.get("类型"):
            row["类型"] = StationKind.TOWNSHIP_STATION.label
        for column in ("地址", "联系人", "联系电话", "合署场所"):
            if row.get(column) is None:
                row[column] = ""

    def _wanted_status(self, instance) -> str:
        return getattr(instance, "import_status", "") or ("" if instance.pk else StationStatus.PLANNED)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        wanted = self._wanted_status(instance)
        if wanted and wanted != original.status_on(timezone.localdate()):
            return False
        return all(field.get_value(instance) == field.get_value(original)
                   for field in self.get_import_fields() if field.attribute not in self.STATUS_FIELDS)

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = _("Excel导入")

    def after_save_instance(self, instance, row, **kwargs):
        wanted = self._wanted_status(instance)
        if wanted and wanted != instance.status_on(timezone.localdate()):
            effective_on = getattr(instance, "import_status_on", None) or instance.opened_on or timezone.localdate()
            station_change_status(actor=self.user, station=instance, status=wanted, effective_on=effective_on,
                                  reason=_("Excel导入"))
