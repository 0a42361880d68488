"""Excel import/export of the workforce registries, keyed by ID-card number and certificate
number. Lookups, foreign keys and exports are all scoped to the importing user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.importing import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    ScopedForeignKeyWidget,
    ScopedModelResource,
)
from projects.models import Organisation
from stations.models import Region, Station, StationKind
from workforce import services
from workforce.models import (
    Certificate,
    CertificateLevel,
    Education,
    Employment,
    EmploymentRole,
    Gender,
    Person,
    TrainingKind,
    TrainingRecord,
)
from workforce.placement import refresh_placements
from workforce.validators import birth_year, mask_id_number, mask_id_numbers_in_text, normalise_id_number

ID_COLUMN = "身份证号码"


def _normalise_id_cell(row, column=ID_COLUMN):
    value = row.get(column)
    if isinstance(value, (int, float)):
        # Excel keeps 15 significant digits of a number: an 18-digit number typed as a number is already lost.
        raise ValidationError({"id_number": _("身份证号码须以文本格式填写（Excel 会把长数字改掉）。")})
    if value is not None:
        row[column] = normalise_id_number(str(value))


class IdNumberWidget(widgets.CharWidget):
    """Full numbers only when the exporting user asked for them and may see them."""

    def __init__(self, *, full: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.full = full

    def render(self, value, obj=None, **kwargs):
        return (value or "") if self.full else mask_id_number(value or "")


class BirthDateWidget(DateWidget):
    """Read as a date on import; exported as the year only, unless the full ID numbers were asked
    for (the full date beside a masked number would give the number back)."""

    def __init__(self, *, full: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.full = full

    def render(self, value, obj=None, **kwargs):
        return super().render(value, obj, **kwargs) if self.full else birth_year(value)


class AuditedResourceMixin:
    """Imported rows are validated by the model and recorded in history under the importing user."""

    def bind_user(self):
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, BoundUserMixin):
                resource_field.widget.user = self.user

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = _("Excel 导入")


class PlacingResourceMixin:
    """Imported people and assignments place people: each saved row refreshes its person's stored
    placement at once, in the import's transaction, so that the rows after it are looked up
    (scoped) with the placement the row gave."""

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        refresh_placements([instance.person_id if isinstance(instance, Employment) else instance.pk])


class BoundUserMixin:
    """import-export looks up natural keys (``import_id_fields``) without passing the user to
    the widget; the resource binds its user to the widget so those lookups stay scoped too."""

    user = None

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.visible_to(kwargs.get("user") or self.user)


class PersonKeyWidget(BoundUserMixin, ScopedForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(normalise_id_number(str(value)) if value not in (None, "") else value, row, **kwargs)
        except ValueError as error:  # "not found: <the number>" is shown on the page: masked
            raise ValueError(mask_id_numbers_in_text(str(error))) from error


def person_field():
    return fields.Field(attribute="person", column_name=ID_COLUMN,
                        widget=PersonKeyWidget(Person, "id_number", label=_("人员（身份证号码）")))


class StationWidget(BoundUserMixin, ScopedForeignKeyWidget):
    """A station by the 12-digit code of its township (village for a room, county for the
    guidance centre) and, when not a township station, the 站点类型 column."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        code = str(int(value) if isinstance(value, float) else value).strip()
        kind_label = str((row or {}).get("站点类型") or "").strip()
        kind = next((k for k, label in StationKind.choices if kind_label in (k, str(label))),
                    StationKind.TOWNSHIP_STATION)
        try:
            return self.get_queryset(value, row, **kwargs).get(region__code=code.ljust(12, "0"), kind=kind)
        except Station.DoesNotExist as exc:
            raise ValueError(_("找不到区划代码为“%(code)s”的%(kind)s，或不在您的管辖范围内。")
                             % {"code": code, "kind": StationKind(kind).label}) from exc

    def render(self, value, obj=None, **kwargs):
        return value.region.code if value else ""


class PersonResource(PlacingResourceMixin, AuditedResourceMixin, ScopedModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number", column_name=ID_COLUMN, widget=IdNumberWidget())
    gender = fields.Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender.choices))
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=BirthDateWidget())
    phone = fields.Field(attribute="phone", column_name="联系电话", widget=widgets.CharWidget())
    education = fields.Field(attribute="education", column_name="学历", widget=ChoiceWidget(Education.choices))
    major = fields.Field(attribute="major", column_name="所学专业")
    social_work_degree = fields.Field(attribute="social_work_degree", column_name="社会工作专业学历",
                                      widget=BooleanWidget())
    local_hukou = fields.Field(attribute="local_hukou", column_name="本地户籍", widget=BooleanWidget())
    registered_region = fields.Field(attribute="registered_region", column_name="登记县（市、区）代码",
                                     widget=ScopedForeignKeyWidget(Region, "code", label=_("区划")))

    class Meta(ScopedModelResource.Meta):
        model = Person
        import_id_fields = ("id_number",)
        fields = ("name", "id_number", "gender", "birth_date", "phone", "education", "major",
                  "social_work_degree", "local_hukou", "registered_region")

    def __init__(self, *, user=None, full_ids: bool = False, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["id_number"].widget = IdNumberWidget(full=full_ids)
        self.fields["birth_date"].widget = BirthDateWidget(full=full_ids)

    def before_import_row(self, row, **kwargs):
        _normalise_id_cell(row)
        code = row.get("登记县（市、区）代码")
        if isinstance(code, float) and code.is_integer():
            row["登记县（市、区）代码"] = str(int(code))
        for column in ("学历", "性别"):
            if row.get(column) in (None, ""):
                row[column] = None
        for column in ("社会工作专业学历", "本地户籍"):
            if row.get(column) in (None, ""):
                row[column] = "否"

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for attribute in ("phone", "major", "gender"):
            if getattr(instance, attribute) is None:
                setattr(instance, attribute, "")
        if instance.education == "":
            instance.education = None
        if instance.registered_region_id is None and self.user is not None and self.user.region_id:
            instance.registered_region = self.user.region
        instance.clean()  # fills birth date and gender from the ID number, so re-imports compare equal

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A registered ID number is refused as the person form refuses it (one wording, whoever
        holds it and whatever the row's other errors), unless the row is that person's own, under
        their name: a re-import updates them."""
        errors = dict(import_validation_errors or {})
        if instance.id_number and "id_number" not in errors:
            try:
                services.ensure_id_number_available(id_number=instance.id_number, name=instance.name,
                                                    person_pk=instance.pk)
            except ValidationError as refusal:
                errors = refusal.update_error_dict(errors)
        super().validate_instance(instance, errors, validate_unique)


class EmploymentResource(PlacingResourceMixin, AuditedResourceMixin, ScopedModelResource):
    person = person_field()
    person_name = fields.Field(attribute="person__name", column_name="姓名", readonly=True)
    station = fields.Field(attribute="station", column_name="站点区划代码", widget=StationWidget(Station))
    station_kind = fields.Field(attribute="station__kind", column_name="站点类型", readonly=True,
                                widget=ChoiceWidget(StationKind.choices))
    role = fields.Field(attribute="role", column_name="岗位", widget=ChoiceWidget(EmploymentRole.choices))
    employer = fields.Field(attribute="employer", column_name="用人机构统一社会信用代码",
                            widget=ScopedForeignKeyWidget(Organisation, "credit_code", label=_("机构")))
    start_on = fields.Field(attribute="start_on", column_name="到岗日期", widget=DateWidget())
    end_on = fields.Field(attribute="end_on", column_name="离岗日期", widget=DateWidget())

    class Meta(ScopedModelResource.Meta):
        model = Employment
        import_id_fields = ("person", "station", "start_on")
        fields = ("person", "person_name", "station", "station_kind", "role", "employer", "start_on", "end_on")

    def __init__(self, *, user=None, full_ids: bool = False, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["person"].widget.render = _id_renderer(full_ids)
        self.bind_user()

    def before_import_row(self, row, **kwargs):
        _normalise_id_cell(row)


class CertificateResource(AuditedResourceMixin, ScopedModelResource):
    number = fields.Field(attribute="number", column_name="证书编号", widget=widgets.CharWidget())
    person = person_field()
    person_name = fields.Field(attribute="person__name", column_name="姓名", readonly=True)
    level = fields.Field(attribute="level", column_name="证书等级", widget=ChoiceWidget(CertificateLevel.choices))
    obtained_on = fields.Field(attribute="obtained_on", column_name="取得日期", widget=DateWidget())

    class Meta(ScopedModelResource.Meta):
        model = Certificate
        import_id_fields = ("number",)
        fields = ("number", "person", "person_name", "level", "obtained_on")

    def __init__(self, *, user=None, full_ids: bool = False, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["person"].widget.render = _id_renderer(full_ids)
        self.bind_user()

    def before_import_row(self, row, **kwargs):
        _normalise_id_cell(row)
        number = row.get("证书编号")
        if number not in (None, ""):
            row["证书编号"] = str(int(number) if isinstance(number, float) else number).strip().upper()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A registered certificate number is refused as the certificate form refuses it, unless the
        row is that certificate's own for its own holder (a re-import updates it): a row giving it
        to someone else is refused the same way whether or not the user sees the holder."""
        errors = dict(import_validation_errors or {})
        if instance.number and "number" not in errors:
            try:
                services.ensure_certificate_number_available(
                    number=instance.number, person_pk=None if "person" in errors else instance.person_id,
                    certificate_pk=instance.pk)
            except ValidationError as refusal:
                errors = refusal.update_error_dict(errors)
        super().validate_instance(instance, errors, validate_unique)


class TrainingResource(AuditedResourceMixin, ScopedModelResource):
    person = person_field()
    person_name = fields.Field(attribute="person__name", column_name="姓名", readonly=True)
    held_on = fields.Field(attribute="held_on", column_name="培训日期", widget=DateWidget())
    kind = fields.Field(attribute="kind", column_name="培训类别", widget=ChoiceWidget(TrainingKind.choices))
    title = fields.Field(attribute="title", column_name="培训名称")
    provider = fields.Field(attribute="provider", column_name="培训机构")
    hours = fields.Field(attribute="hours", column_name="学时", widget=DecimalWidget())

    class Meta(ScopedModelResource.Meta):
        model = TrainingRecord
        import_id_fields = ("person", "held_on", "kind", "title")
        fields = ("person", "person_name", "held_on", "kind", "title", "provider", "hours")

    def __init__(self, *, user=None, full_ids: bool = False, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["person"].widget.render = _id_renderer(full_ids)
        self.bind_user()

    def before_import_row(self, row, **kwargs):
        _normalise_id_cell(row)
        if row.get("培训机构") is None:
            row["培训机构"] = ""


def _id_renderer(full: bool):
    def render(value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.id_number if full else value.masked_id_number
    return render
