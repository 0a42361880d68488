"""Admin scoping shared by every app's admin: the same ``visible_to`` as the screens, failing
closed; and admin writes whose service refusals come back as form errors."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten, unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from core.audit import edit_token

_CHECKED: set = set()


def is_scoped_model(model) -> bool:
    """Whether the model's rows can be scoped: its QuerySet has ``visible_to``."""
    return hasattr(model._default_manager.all(), "visible_to")


def _form_relations(admin_class, model, parent_model=None):
    """The editable foreign keys and many-to-manys an admin's form may offer (statically known:
    fields it marks read-only or excludes, and the inline's own link to its parent, are left out)."""
    if issubclass(admin_class, ReadOnlyAdminMixin):
        return []
    shown = set(flatten(admin_class.fields)) if admin_class.fields else None
    hidden = {*admin_class.readonly_fields, *(admin_class.exclude or ())}
    relations = []
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and field.editable) or field.auto_created:
            continue
        if field.name in hidden or (shown is not None and field.name not in shown):
            continue
        if parent_model is not None and field.related_model is parent_model:
            continue
        relations.append(field)
    return relations


def scope_problems(admin_class, model, parent_model=None) -> list[str]:
    """Why an admin would show rows or choices nobody scoped: empty when it shows only
    ``visible_to`` rows, or says why not (``unscoped_reason``, ``unscoped_choices``)."""
    name = f"{admin_class.__module__}.{admin_class.__qualname__}"
    scoped = issubclass(admin_class, ScopedAdminMixin)
    problems = []
    if parent_model is None and not is_scoped_model(model) and not getattr(admin_class, "unscoped_reason", ""):
        problems.append(f"{name}: {model._meta.label} has no visible_to; scope it or give unscoped_reason")
    declared = getattr(admin_class, "unscoped_choices", {})
    for field in _form_relations(admin_class, model, parent_model):
        if not scoped:
            problems.append(f"{name}: its form offers {field.name} unscoped; use ScopedAdminMixin")
        elif not is_scoped_model(field.related_model) and not declared.get(field.name):
            problems.append(f"{name}: {field.name} lists {field.related_model._meta.label}, which has no "
                            f"visible_to; name it with a reason in unscoped_choices")
    for inline in getattr(admin_class, "inlines", ()):
        problems.extend(scope_problems(inline, inline.model, parent_model=model))
    return problems


def refuse_revert(request) -> None:
    """With reverting off (``SIMPLE_HISTORY_REVERT_DISABLED``) django-simple-history hides the
    revert button of a past version but still saves a posted form: refuse the POST."""
    if request.method == "POST" and getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
        raise PermissionDenied


class ScopedAdminMixin:
    """Lists, detail pages, search, autocomplete and foreign-key choices show only what the
    signed-in user may see, through the model's ``visible_to``.

    Fails closed: an admin over a model with no ``visible_to`` refuses to start unless it says
    why in ``unscoped_reason`` (it then scopes its rows itself, in ``get_queryset``); a form
    field choosing among such a model's rows offers nothing unless ``unscoped_choices`` names
    it with the reason its choices may be listed."""

    unscoped_reason: str = ""
    unscoped_choices: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = (type(self), self.model, getattr(self, "parent_model", None))
        if key not in _CHECKED:  # inlines are built per request: check each class once
            problems = scope_problems(*key)
            if problems:
                raise ImproperlyConfigured("; ".join(problems))
            _CHECKED.add(key)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_scoped_model(self.model):
            return queryset.visible_to(request.user)
        return queryset if self.unscoped_reason else queryset.none()

    def _ensure_in_scope(self, request, object_id):
        if not request.user.is_superuser and not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        """django-simple-history's history pages read stored history rows even for records the
        user may not see; answer 404 unless the record is within the user's scope."""
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One stored version: the same 404 outside the user's scope. Reverting is off
        (``SIMPLE_HISTORY_REVERT_DISABLED``), which hides the revert button but would still save a
        posted form, past the services, the read-only admins and the report lock: a POST is refused."""
        self._ensure_in_scope(request, object_id)
        refuse_revert(request)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def _scoped_choices(self, field, db_field, request):
        if field is None or not hasattr(field, "queryset"):
            return field
        if hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(request.user)
        elif not self.unscoped_choices.get(db_field.name):
            field.queryset = field.queryset.none()
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped_choices(super().formfield_for_manytomany(db_field, request, **kwargs), db_field, request)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


REFUSAL_ATTRIBUTE = "_admin_service_refusal"


def _add_refusal(form, refusal, renamed):
    if isinstance(refusal, PermissionDenied):
        form.add_error(None, str(refusal))
        return
    by_field = refusal.error_dict if hasattr(refusal, "error_dict") else {None: refusal.error_list}
    for name, errors in by_field.items():
        name = renamed.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


class ServiceWritesAdminMixin:
    """For admins whose saves and deletes call the product's services: a service's refusal
    (``ValidationError``, or ``PermissionDenied`` with a message) undoes whatever the save had
    written and shows the form again with the refusal as its errors, instead of a server error.
    ``refusal_fields`` maps a service's field names to the form's. The bulk "delete selected"
    action is offered only when ``delete_queryset`` routes it as ``delete_model`` does."""

    refusal_fields: dict[str, str] = {}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # atomic: undone
        except (ValidationError, PermissionDenied) as refusal:
            if isinstance(refusal, PermissionDenied) and not refusal.args:
                raise  # the admin's own "not allowed": its 403
            setattr(request, REFUSAL_ATTRIBUTE, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal, renamed = getattr(request, REFUSAL_ATTRIBUTE, None), self.refusal_fields
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                data = super().clean()
                _add_refusal(self, refusal, renamed)
                return data

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)  # atomic: undone
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id],
                          current_app=self.admin_site.name)
            return HttpResponseRedirect(url)

    def get_actions(self, request):
        actions = super().get_actions(request)
        cls = type(self)
        if cls.delete_model is not admin.ModelAdmin.delete_model and \
                cls.delete_queryset is admin.ModelAdmin.delete_queryset:
            actions.pop("delete_selected", None)
        return actions


class DependantsProtectedMixin:
    """Deleting a record that others still hang on (even through a cascading foreign key) is
    refused on the admin's usual "cannot delete" page, listing those records."""

    dependants: tuple[str, ...] = ()

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for name in self.dependants:
                protected.extend(str(dependant) for dependant in getattr(obj, name).all())
        return deleted, model_count, perms_needed, protected


EDIT_TOKEN_FIELD = "_edit_token"


class ReadOnlyAdminMixin:
    """Records the admin shows but never adds, changes or deletes (they are written by the
    product's services, or are records of what happened)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConcurrentEditAdminMixin:
    """The change form carries the record's edit token (``core.audit.edit_token``); a save
    from a form opened before someone else saved the record is refused with a form error."""

    change_form_template = "admin/edit_token_change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra_context = {**(extra_context or {}), "edit_token": edit_token(obj)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not change:
            return form_class
        current = edit_token(obj)

        class GuardedForm(form_class):
            def clean(self):
                data = super().clean()
                sent = self.data.get(EDIT_TOKEN_FIELD)
                if sent is None:  # not a form this page rendered: refuse rather than overwrite blindly
                    raise ValidationError(_("表单缺少记录的版本信息，本次保存未生效。请重新打开页面后再修改。"),
                                          code="stale")
                if sent != current:
                    raise ValidationError(_("该记录在您打开后已被他人修改，本次保存未生效。请重新打开页面查看最新内容后再修改。"),
                                          code="stale")
                return data

        return GuardedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "POST":
            # a refused save shows the form again, still carrying the token it was opened with
            context.setdefault("edit_token", request.POST.get(EDIT_TOKEN_FIELD) or edit_token(obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class EstimatedCountPaginator(Paginator):
    """For admin lists over millions of rows: with no filter at all (a superuser's first page) the
    total comes from PostgreSQL's table statistics instead of a COUNT(*) over every row. Any filter,
    search or scope gives a WHERE clause and the exact count."""

    ESTIMATE_ABOVE = 100_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                               [queryset.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > self.ESTIMATE_ABOVE:
                return row[0]
        return super().count
