"""Admin scoping shared by every app's admin: the same ``visible_to`` as the screens."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404


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


class ScopedInlineMixin(ScopedAdminMixin):
    pass


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
