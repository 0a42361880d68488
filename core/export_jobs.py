"""Exports run as jobs (see core.jobs): a large export written to the shared storage.

An export view is wrapped with :func:`export_job`. When jobs go to workers (a broker is configured)
and the user sees a whole province or the nation, asking for the file starts an "export" job and
shows its page instead; the worker then asks the same view for the same address, as the same user
(so the file holds exactly what the user may see), and keeps the file for download. Otherwise, and
for everyone with a narrower scope, the view answers at once as before.
"""

from __future__ import annotations

import functools
from email.message import Message
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils.translation import gettext as _

from core import jobs
from core.scope import scope_of

EXPORT = "export"
WIDE_PREFIX_LENGTH = 2  # a province's code prefix; the nation (superusers) has none
EXPORT_PARAMETERS = ("format", "full_id")  # what turns a page into its file, never part of the page


def scope_is_wide(user) -> bool:
    """Whether the user sees a whole province or more (the exports that can be large)."""
    scope = scope_of(user)
    return scope.everything or (bool(scope.prefix) and len(scope.prefix) <= WIDE_PREFIX_LENGTH)


def page_query(query: QueryDict) -> str:
    """A query string without the parameters that ask for the file."""
    query = query.copy()
    for name in EXPORT_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


def _page_of(request, kwargs: dict, page: str | None, page_kwargs: tuple[str, ...]) -> str:
    """The page the export belongs to, with the user's filters, for the job page's way back."""
    query = page_query(request.GET)
    path = reverse(page, kwargs={name: kwargs[name] for name in page_kwargs}) if page else request.path
    return f"{path}?{query}" if query else path


def export_job(title, *, page: str | None = None, page_kwargs: tuple[str, ...] = (), wide_only: bool = True):
    """Wrap an export view so that it runs as a job when that is worth it.

    ``title`` names the export (or is a function of the view's keyword arguments returning the
    name, or None for an address that is no export). With ``page`` (a URL name, reversed with the
    view's ``page_kwargs``) every request is an export; without, only ``?format=xlsx`` is, and the
    page is the same address without it. ``wide_only=False`` queues the export for every user who
    sees a region (a county's too), not only a province's or the nation's."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            name = title(kwargs) if callable(title) else title
            if name is None or not _runs_as_job(request, exporting=bool(page), wide_only=wide_only):
                return view(request, *args, **kwargs)
            job = jobs.start(user=request.user, kind=EXPORT, title=_("导出：%(name)s") % {"name": name}, params={
                "path": request.get_full_path(), "page": _page_of(request, kwargs, page, page_kwargs),
                "host": request.get_host()})
            return redirect("jobs:detail", pk=job.pk)

        wrapped.exports_as_job = True
        return wrapped

    return decorate


def _runs_as_job(request, *, exporting: bool, wide_only: bool) -> bool:
    if getattr(request, "export_job", None) is not None or request.method != "GET" or not jobs.queued():
        return False
    if not (exporting or request.GET.get("format") == "xlsx"):
        return False
    if wide_only:
        return scope_is_wide(request.user)
    scope = scope_of(request.user)
    return scope.everything or bool(scope.prefix)


@jobs.runner(EXPORT)
def run_export(job, progress) -> jobs.Outcome:
    """Ask the export view for the job's address as the job's user; keep the file it answers."""
    response = _export_response(job)
    filename = _attachment_name(response)
    if response.status_code != 200 or not filename:
        raise jobs.JobError(_refusal(response.status_code))
    content = b"".join(response) if response.streaming else response.content
    return jobs.Outcome(result={"summary": _("文件已生成：%(name)s") % {"name": filename}}, file=(filename, content))


def _export_response(job):
    """The view's answer to a request like the one the user made, marked so it is not queued again."""
    path = job.params["path"]
    host = job.params.get("host") or next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
    request = RequestFactory().get(path, HTTP_HOST=host.lstrip("."))
    request.user, request.export_job, request.LANGUAGE_CODE = job.user, job, job.language
    try:
        match = resolve(urlsplit(path).path)
        if not getattr(match.func, "exports_as_job", False):  # only what export_job wraps is run here
            raise Http404
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)
    except Http404:
        raise jobs.JobError(_refusal(404)) from None
    except PermissionDenied:
        raise jobs.JobError(_refusal(403)) from None


def _attachment_name(response) -> str:
    message = Message()
    message["content-disposition"] = response.get("Content-Disposition", "")
    if message.get_content_disposition() != "attachment":
        return ""
    return message.get_filename() or ""


def _refusal(status: int) -> str:
    if status == 403:
        return _("导出未能完成：您没有权限导出这些数据。")
    if status == 404:
        return _("导出未能完成：要导出的内容不存在，或不在您的管辖范围内。")
    return _("导出未能完成，请回到原页面重新导出；如仍失败，请联系管理员。")

