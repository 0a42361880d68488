"""Admin scoping shared by every app's admin: the same ``visible_to`` as the screens."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from core.audit import edit_token


def _scoped(queryset, user):
    return queryset.visible_to(user) if hasattr(queryset, "visible_to") else queryset


class ScopedAdminMixin:
    """Lists, detail pages, search, autocomplete and foreign-key choices show only
    what the signed-in user may see."""

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user)

    def _ensure_in_scope(self, request, object_id):
        if not request.user.is_superuser and not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        """django-simple-history's history pages read stored history rows even for records the
        user may not see; answer 404 unless the record is within the user's scope."""
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One stored version (and its revert form): the same 404 outside the user's scope."""
        self._ensure_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, request.user)
        return field


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


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
