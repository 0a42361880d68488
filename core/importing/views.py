"""The upload → preview → confirm view shared by every registry's import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import jobs
from core.importing.files import MAX_ROWS, MAX_UPLOAD_BYTES, ImportFileError, SheetData, read_workbook
from core.importing.pending import (
    discard_pending_imports,
    pending_delete,
    pending_keep_rows,
    pending_name,
    pending_read,
    pending_rows,
    pending_store,
    pending_token,
)
from core.importing.queued import QueuedImportMixin
from core.importing.resources import ImportReport, ScopedModelResource, run_import
from core.importing.stored import done_message
from core.importing.workbook import marked_workbook, template_response, xlsx_bytes_response


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


class ImportView(QueuedImportMixin, LoginRequiredMixin, View):
    """Upload → preview → confirm, for one resource. See the module docstring.

    Fails closed: ``permission`` is the app's rule, ``permission(user) -> bool`` (its
    ``can_import_<entity>``); a view without one refuses everybody. A view whose rule needs more
    than the user overrides :meth:`has_import_permission`, and a page whose records come from
    its URL looks them up in :meth:`prepare`.

    The page works for ``self.user`` and needs a request only to answer one: an import run as a
    job builds it with :meth:`for_job` (see ``QueuedImportMixin``)."""

    resource_class: type[ScopedModelResource]
    title = ""
    success_url = "/"
    template_name = "includes/import.html"
    permission = None  # the app's ``can_import_<entity>(user)``; None: nobody may import
    max_rows = None  # rows per file: ``MAX_ROWS`` unless the resource writes in bulk
    record_name = ""  # the template's data sheet; by default the model's name
    key_help = ""  # how a row names an existing record, when the page should say so

    @classmethod
    def for_job(cls, user, *, initkwargs=None, kwargs=None) -> ImportView:
        """The page as ``user`` would reach it at the URL with ``kwargs``, without a request.
        Raises PermissionDenied (or the page's Http404) when the user may not import there."""
        view = cls(**(initkwargs or {}))
        view.request, view.args, view.kwargs, view.user = None, (), dict(kwargs or {}), user
        view.prepare()
        if not view.has_import_permission(user):
            raise PermissionDenied
        return view

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.user = request.user

    def prepare(self) -> None:
        """Looks up what the page imports into from its URL (``self.kwargs``) for ``self.user``;
        runs before each request is answered and before each job's import."""

    def has_import_permission(self, user) -> bool:
        rule = type(self).permission  # through the class: a plain function stays unbound
        return rule is not None and bool(rule(user))

    def refuse(self):
        """The answer to a signed-in user who may not import here."""
        raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.prepare()
        if not self.has_import_permission(request.user):
            return self.refuse()
        return super().dispatch(request, *args, **kwargs)

    def get_resource(self):
        return self.resource_class(user=self.user)

    def _session_key(self):
        return f"import:{self.request.path}"

    def _marked_key(self):
        return f"import-marked:{self.request.path}"

    def _store(self, data: bytes, filename: str, dataset: SheetData | None = None) -> str:
        """Keeps an upload (and the rows read from it, so it is not read again); returns its token."""
        name = pending_store(data, filename)
        if dataset is not None:
            pending_keep_rows(name, dataset)
        return pending_token(name)

    def read(self, data: bytes, filename: str, *, on_rows=None) -> SheetData:
        columns = [f.column_name for f in self.get_resource().get_import_fields()]
        return read_workbook(data, filename=filename, columns=columns, max_rows=self.max_rows, on_rows=on_rows)

    def read_kept(self, name: str | None) -> SheetData:
        """A kept upload's rows: as its preview read them, else read again. Raises OSError when
        the upload is gone, ImportFileError when it cannot be read."""
        dataset = pending_rows(name)
        if dataset is not None:
            return dataset
        data = pending_read(name)
        if data is None:
            raise OSError
        return self.read(data, name)

    def present(self, report):
        """The report as this page shows it (and as the returned workbook explains it)."""
        return report

    def render_page(self, form=None, report=None, token=None, marked_token=None, **extra):
        resource = self.get_resource()
        return render(self.request, self.template_name, {
            "title": self.title, "form": form or ImportUploadForm(),
            "report": self.present(report) if isinstance(report, ImportReport) else report, "token": token,
            "marked_token": marked_token, "key_help": self.key_help,
            "columns": [f.column_name for f in resource.get_import_fields()], "success_url": self.success_url,
            "max_rows": self.max_rows or MAX_ROWS, "job": None, **extra,
        })

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            resource = self.get_resource()
            record_name = str(self.record_name or resource._meta.model._meta.verbose_name)
            return template_response(resource, record_name=record_name, filename=f"{self.title}-模板.xlsx")
        if "marked" in request.GET:
            return self.marked(request.GET["marked"])
        if "job" in request.GET:
            return self.show_job(request.GET["job"])
        return self.render_page()

    def marked(self, token: str):
        """The last upload with errors, returned with each bad cell marked (checked again now)."""
        name = pending_name(token) if self.request.session.get(self._marked_key()) == token else None
        data = pending_read(name)
        try:
            if data is None:
                raise OSError
            dataset = self.read_kept(name)
        except (OSError, ImportFileError):
            messages.error(self.request, _("标注文件已过期，请重新上传文件。"))
            return redirect(self.request.path)
        report = self.present(run_import(self.get_resource(), dataset, user=self.user, dry_run=True))
        return xlsx_bytes_response(marked_workbook(data, dataset, report), f"{self.title}-错误标注.xlsx")

    def post(self, request, *args, **kwargs):
        if request.POST.get("job"):
            return self.confirm_job(request.POST["job"])
        if request.POST.get("token"):
            return self.confirm(request.POST["token"])
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form=form)
        upload = form.cleaned_data["file"]
        if jobs.queued():  # the file is read by a worker: the answer comes at once, whatever its size
            return self.start_preview(upload)
        data = upload.read()
        try:
            dataset = self.read(data, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_page(form=form)
        report = run_import(self.get_resource(), dataset, user=self.user, dry_run=True)
        token = marked_token = None
        self.discard_previous_upload()
        if not report.has_errors:
            token = self.request.session[self._session_key()] = self._store(data, upload.name, dataset)
        elif report.error_rows:
            marked_token = self.request.session[self._marked_key()] = self._store(data, upload.name, dataset)
        return self.render_page(report=report, token=token, marked_token=marked_token)

    def discard_previous_upload(self) -> None:
        """This page's last upload by this user, no longer needed once another is made."""
        discard_pending_imports(previous=[self.request.session.pop(key, None) or "" for key in (
            self._session_key(), self._marked_key(), self._job_upload_key())])

    def confirm(self, token: str):
        name = pending_name(token) if self.request.session.get(self._session_key()) == token else None
        try:
            dataset = self.read_kept(name)
        except (OSError, ImportFileError):
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect(self.request.path)
        report = run_import(self.get_resource(), dataset, user=self.user, dry_run=False)
        if report.has_errors:
            return self.render_page(report=report)
        pending_delete(name)
        del self.request.session[self._session_key()]
        messages.success(self.request, done_message(report.totals))
        return redirect(self.success_url)
