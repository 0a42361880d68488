"""Admin for evaluation templates: provincial officials edit their province's drafts
(dimensions and indicators inline), publish them, and start a new version of a published one.
Published templates are read-only here and refused by the model itself."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from assessments import services
from assessments.models import Dimension, Evaluation, EvaluationOrigin, EvaluationTemplate, Indicator
from assessments.permissions import can_edit_evaluation_template
from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceWritesAdminMixin
from core.audit import save_audited


def _template_of(obj):
    if obj is None:
        return None
    return obj if isinstance(obj, EvaluationTemplate) else obj.template


class _DraftOnlyMixin:
    """Change, add and delete only on draft templates of the user's own province."""

    def _editable(self, request, obj):
        template = _template_of(obj)
        if template is not None and template.is_published:
            return False
        return can_edit_evaluation_template(request.user, template)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._editable(request, args[0] if args else None)

    def has_delete_permission(self, request, obj=None):
        # Provincial officials may remove dimensions/indicators of their drafts; deleting whole
        # templates stays with superusers.
        if isinstance(self, admin.options.InlineModelAdmin):
            return obj is not None and self._editable(request, obj)
        return request.user.is_superuser and self._editable(request, obj)


class DimensionInline(_DraftOnlyMixin, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ("order", "name", "weight", "indicator_count")
    readonly_fields = ("indicator_count",)
    show_change_link = True

    @admin.display(description=_("指标数"))
    def indicator_count(self, obj):
        return obj.indicators.count() if obj.pk else 0


class IndicatorInline(_DraftOnlyMixin, admin.StackedInline):
    model = Indicator
    extra = 0
    fields = (("order", "name", "max_score"), "guidance")


@admin.register(EvaluationTemplate)
class EvaluationTemplateAdmin(_DraftOnlyMixin, ScopedAdminMixin, ServiceWritesAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "province", "kind", "version", "status", "weight_total", "published_at")
    list_filter = ("kind", "status", "province")
    search_fields = ("name",)
    list_select_related = ("province",)
    fields = ("province", "kind", "name", "version", "status", ("excellent_min", "good_min", "pass_min"),
              "description", "previous", "published_at")
    readonly_fields = ("version", "status", "previous", "published_at")
    inlines = (DimensionInline,)
    actions = ("publish", "new_version")

    @admin.display(description=_("权重合计"))
    def weight_total(self, obj):
        return sum((d.weight for d in obj.dimensions.all()), 0)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("dimensions")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.is_published or not self._editable(request, obj)):
            return self.fields_flat()
        if obj is not None:
            return (*self.readonly_fields, "province", "kind")
        return self.readonly_fields

    def fields_flat(self):
        flat = []
        for item in self.fields:
            flat.extend(item if isinstance(item, tuple) else [item])
        return tuple(flat)

    def save_model(self, request, obj, form, change):
        save_audited(obj, actor=request.user, reason=_("管理后台编辑模板"))

    @admin.action(description=_("发布所选模板（校验权重与满分）"))
    def publish(self, request, queryset):
        for template in queryset:
            if not can_edit_evaluation_template(request.user, template):
                continue
            try:
                services.template_publish(actor=request.user, template=template)
            except ValidationError as exc:
                self.message_user(request, f"{template}：{'；'.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("已发布：%(t)s") % {"t": template}, messages.SUCCESS)

    @admin.action(description=_("为所选已发布模板创建新版本"))
    def new_version(self, request, queryset):
        for template in queryset:
            if not can_edit_evaluation_template(request.user, template):
                continue
            try:
                copy = services.template_new_version(actor=request.user, template=template)
            except ValidationError as exc:
                self.message_user(request, f"{template}：{'；'.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("已创建草稿：%(t)s") % {"t": copy}, messages.SUCCESS)


@admin.register(Dimension)
class DimensionAdmin(_DraftOnlyMixin, ScopedAdminMixin, ServiceWritesAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "template", "weight", "order")
    list_select_related = ("template__province",)
    search_fields = ("name", "template__name")
    fields = ("template", "order", "name", "weight")
    inlines = (IndicatorInline,)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return self.fields if not self._editable(request, obj) else ("template",)
        return ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "template" and field is not None:
            field.queryset = field.queryset.filter(status="draft")
        return field

    def save_model(self, request, obj, form, change):
        save_audited(obj, actor=request.user)


class OriginFilter(admin.SimpleListFilter):
    """The county's own evaluations, or the city's or the province's spot checks."""

    title = _("评估来源")
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return EvaluationOrigin.choices

    def queryset(self, request, queryset):
        if self.value() in EvaluationOrigin.values:
            return queryset.of_origin(self.value())
        return queryset


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only overview, for superusers and provincial officials alike: evaluations are started,
    confirmed and returned on the product's screens, by the bureau that started each one."""

    list_display = ("__str__", "county", "origin", "status", "total", "grade", "evaluator", "finalised_on")
    list_filter = ("status", "grade", "template__kind", OriginFilter)
    list_select_related = ("template", "county", "initiating_region", "contract", "station", "evaluator")
    search_fields = ("contract__number", "contract__title", "station__name")
    readonly_fields = ("origin",)

    @admin.display(description=_("评估来源"))
    def origin(self, obj):
        return f"{obj.origin_label}（{obj.initiating_region.name}）"
