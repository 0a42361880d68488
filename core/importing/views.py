"""The upload → preview → confirm view shared by every registry's import."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.importing.files import MAX_ROWS, MAX_UPLOAD_BYTES, ImportFileError, SheetData, read_workbook
from core.importing.resources import ScopedModelResource, run_import
from core.importing.workbook import marked_workbook, template_response, xlsx_bytes_response

IMPORT_DIR = "imports"
# Uploaded files wait here between preview and confirm; unconfirmed ones (they may hold personal
# data) are deleted once they are this old, and when the same user uploads again.
PENDING_IMPORT_MAX_AGE_SECONDS = 24 * 3600


def discard_pending_imports(*, previous: str | Iterable[str] | None = None, now: float | None = None) -> int:
    """Delete the user's previous unconfirmed upload (``previous``: one token or several) and
    every one older than the maximum age."""
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    if not folder.is_dir():
        return 0
    previous = {previous} if isinstance(previous, str) else set(previous or ())
    cutoff = (now if now is not None else time.time()) - PENDING_IMPORT_MAX_AGE_SECONDS
    removed = 0
    for path in folder.iterdir():
        if path.stem in previous or path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）或 CSV 文件"),
                           error_messages={"empty": gettext_lazy("文件是空的（0 字节），请检查是否选错了文件。")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith(".xls"):
            raise forms.ValidationError(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入。"))
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 Excel（.xlsx）或 CSV（.csv）格式的文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 10 MB，请拆分后再导入。"))
        return upload


class ImportView(LoginRequiredMixin, View):
    """Upload → preview → confirm, for one resource. See the module docstring.

    Fails closed: ``permission`` is the app's rule, ``permission(user) -> bool`` (its
    ``can_import_<entity>``); a view without one refuses everybody. A view whose rule needs more
    than the user overrides :meth:`has_import_permission`."""

    resource_class: type[ScopedModelResource]
    title = ""
    success_url = "/"
    template_name = "includes/import.html"
    permission = None  # the app's ``can_import_<entity>(user)``; None: nobody may import
    max_rows = None  # rows per file: ``MAX_ROWS`` unless the resource writes in bulk
    record_name = ""  # the template's data sheet; by default the model's name
    key_help = ""  # how a row names an existing record, when the page should say so

    def has_import_permission(self, user) -> bool:
        rule = type(self).permission  # through the class: a plain function stays unbound
        return rule is not None and bool(rule(user))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.has_import_permission(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_resource(self):
        return self.resource_class(user=self.request.user)

    def _session_key(self):
        return f"import:{self.request.path}"

    def _marked_key(self):
        return f"import-marked:{self.request.path}"

    def _stored(self, token: str | None) -> Path | None:
        if not token or not token.isalnum():
            return None
        return next((Path(settings.MEDIA_ROOT) / IMPORT_DIR).glob(f"{token}.*"), None)

    def _store(self, data: bytes, filename: str) -> str:
        token = uuid.uuid4().hex
        suffix = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
        path = Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return token

    def read(self, data: bytes, filename: str) -> SheetData:
        columns = [f.column_name for f in self.get_resource().get_import_fields()]
        return read_workbook(data, filename=filename, columns=columns, max_rows=self.max_rows)

    def present(self, report):
        """The report as this page shows it (and as the returned workbook explains it)."""
        return report

    def render_page(self, form=None, report=None, token=None, marked_token=None):
        resource = self.get_resource()
        return render(self.request, self.template_name, {
            "title": self.title, "form": form or ImportUploadForm(),
            "report": self.present(report) if report is not None else None, "token": token,
            "marked_token": marked_token, "key_help": self.key_help,
            "columns": [f.column_name for f in resource.get_import_fields()], "success_url": self.success_url,
            "max_rows": self.max_rows or MAX_ROWS,
        })

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            resource = self.get_resource()
            record_name = str(self.record_name or resource._meta.model._meta.verbose_name)
            return template_response(resource, record_name=record_name, filename=f"{self.title}-模板.xlsx")
        if "marked" in request.GET:
            return self.marked(request.GET["marked"])
        return self.render_page()

    def marked(self, token: str):
        """The last upload with errors, returned with each bad cell marked (checked again now)."""
        path = self._stored(token) if self.request.session.get(self._marked_key()) == token else None
        try:
            if path is None:
                raise OSError
            data = path.read_bytes()
            dataset = self.read(data, path.name)
        except (OSError, ImportFileError):
            messages.error(self.request, _("标注文件已过期，请重新上传文件。"))
            return redirect(self.request.path)
        report = self.present(run_import(self.get_resource(), dataset, user=self.request.user, dry_run=True))
        return xlsx_bytes_response(marked_workbook(data, dataset, report), f"{self.title}-错误标注.xlsx")

    def post(self, request, *args, **kwargs):
        if request.POST.get("token"):
            return self.confirm(request.POST["token"])
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            dataset = self.read(data, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_page(form=form)
        report = run_import(self.get_resource(), dataset, user=request.user, dry_run=True)
        token = marked_token = None
        discard_pending_imports(previous=[request.session.pop(key, None) or ""
                                          for key in (self._session_key(), self._marked_key())])
        if not report.has_errors:
            token = request.session[self._session_key()] = self._store(data, upload.name)
        elif report.error_rows:
            marked_token = request.session[self._marked_key()] = self._store(data, upload.name)
        return self.render_page(report=report, token=token, marked_token=marked_token)

    def confirm(self, token: str):
        if self.request.session.get(self._session_key()) != token or not token.isalnum():
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect(self.request.path)
        path = self._stored(token)
        try:
            if path is None:
                raise OSError
            dataset = self.read(path.read_bytes(), path.name)
        except (OSError, ImportFileError):
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect(self.request.path)
        report = run_import(self.get_resource(), dataset, user=self.request.user, dry_run=False)
        if report.has_errors:
            return self.render_page(report=report)
        path.unlink(missing_ok=True)
        del self.request.session[self._session_key()]
        summary = _("，").join(_("%(action)s %(count)s 行") % {"action": label, "count": count}
                              for label, count in report.totals.items()) or _("无变化")
        messages.success(self.request, _("导入完成：%(summary)s。") % {"summary": summary})
        return redirect(self.success_url)
