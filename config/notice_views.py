"""The bell: a user's reminders, newest first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.models import Notification

app_name = "notices"


@login_required
def notice_list_view(request):
    notices = Notification.objects.filter(user=request.user)[:100]
    return render(request, "config/notice_list.html", {"notices": notices})


urlpatterns = [
    path("", notice_list_view, name="list"),
]
