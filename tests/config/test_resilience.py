"""A database outage shows a clear Chinese "retry" page (503), not a traceback or a bare 500."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from config import urls as project_urls


def broken_view(request):
    raise OperationalError("server closed the connection unexpectedly")


def other_error_view(request):
    raise ValueError("boom")


urlpatterns = [
    *project_urls.urlpatterns,
    path("broken-db/", broken_view),
    path("broken-other/", other_error_view),
]
handler500 = project_urls.handler500


@pytest.fixture
def raw_client(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_database_outage_gives_a_503_page_asking_to_retry(raw_client):
    response = raw_client.get("/broken-db/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "系统暂时繁忙，请稍后重试" in page and "本次操作没有保存任何内容" in page
    assert "OperationalError" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_other_errors_stay_a_500_without_details(raw_client):
    response = raw_client.get("/broken-other/")
    assert response.status_code == 500
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_oversized_upload_is_refused_from_its_length_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 2**20
    response = client.generic("POST", "/stations/import/", data=b"x" * (2**20 + 1),
                              content_type="application/octet-stream")
    assert response.status_code == 413
    assert "一次上传的内容不能超过 1 MB，本次上传没有保存任何内容" in response.content.decode()
    small = client.generic("POST", "/stations/import/", data=b"x" * 100, content_type="application/octet-stream")
    assert small.status_code != 413
