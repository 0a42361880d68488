"""The bell: a user's own reminders, newest first, and marking them read. Another user's reminder
is 404, the same as one that does not exist."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from config.reminders import inbox

app_name = "notices"


def _own(request, pk: int):
    notice = inbox.notice_for(user=request.user, pk=pk)
    if notice is None:
        raise Http404
    return notice


def _back_to_list(request):
    """The list page the form was on."""
    page = request.POST.get("page", "")
    url = reverse("notices:list")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


class NoticeListView(LoginRequiredMixin, ListView):
    template_name = "config/notice_list.html"
    context_object_name = "notices"
    paginate_by = 30

    def get_queryset(self):
        return inbox.notice_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = context["unread_notices"] = inbox.unread_count(user=self.request.user)
        return context


@login_required
def notice_open_view(request, pk: int):
    """Follow a reminder's link; it counts as read from then on."""
    notice = _own(request, pk)
    inbox.mark_read(user=request.user, pk=notice.pk)
    target = notice.url if notice.url and url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else ""
    return redirect(target or reverse("notices:list"))


@require_POST
@login_required
def notice_read_view(request, pk: int):
    inbox.mark_read(user=request.user, pk=_own(request, pk).pk)
    return _back_to_list(request)


@require_POST
@login_required
def notice_read_all_view(request):
    inbox.mark_read(user=request.user)
    return _back_to_list(request)


notice_list_view = NoticeListView.as_view()

urlpatterns = [
    path("", notice_list_view, name="list"),
    path("read-all/", notice_read_all_view, name="read-all"),
    path("<int:pk>/open/", notice_open_view, name="open"),
    path("<int:pk>/read/", notice_read_view, name="read"),
]
