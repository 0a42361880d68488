"""django-import-export resources of the stations app."""

from django.utils.translation import gettext as _
from import_export import fields, widgets

from stations.importing import IntegerWidget, ScopedModelResource
from stations.models import Region


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
