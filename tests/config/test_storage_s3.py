"""Files in shared storage: with an S3-compatible object store (SeaweedFS, a real server) as the
default storage, evidence goes to the bucket and comes back only through the scoped download view,
and the storage calls the pending imports rely on work on it."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Evidence
from scripts import services
from tests import builders
from tests.assessments import builders as ab

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 40


@pytest.fixture
def evaluation(hierarchy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty: nothing goes to the local disk
    h = hierarchy
    h.staff_a = builders.county_user(h)
    h.staff_b = builders.county_user(h, "county_b", h.county_b)
    return assessment_services.evaluation_create(
        actor=h.staff_a, template=ab.template(h.province), contract=ab.contract(h.county_a),
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))


@pytest.mark.django_db
def test_evidence_is_kept_in_the_bucket_and_served_only_through_the_scoped_view(
        evaluation, hierarchy, client, s3_storage, s3_keys, settings):
    h = hierarchy
    client.force_login(h.staff_a)
    page = client.post(reverse("assessments:evidence-create", kwargs={"pk": evaluation.pk}),
                       {"file": SimpleUploadedFile("中期报告.pdf", PDF), "title": "中期报告"}, follow=True)
    assert "附件已上传" in page.content.decode()
    evidence = Evidence.objects.get(evaluation=evaluation)
    assert s3_keys(s3_storage) == [evidence.file.name]
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))

    url = reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})
    download = client.get(url)
    # Served by the product itself, never a redirect to (or a link into) the bucket.
    assert download.status_code == 200 and "Location" not in download
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert s3_storage not in download["Content-Disposition"]

    client.force_login(h.staff_b)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_evidence_whose_object_is_gone_from_the_bucket_is_404(evaluation, hierarchy, client, s3_storage,
                                                             s3_endpoint_url):
    evidence = assessment_services.evidence_add(actor=hierarchy.staff_a, evaluation=evaluation,
                                                file=SimpleUploadedFile("a.pdf", PDF), title="")
    services.s3_client(s3_endpoint_url).delete_object(Bucket=s3_storage, Key=evidence.file.name)
    client.force_login(hierarchy.staff_a)
    assert client.get(reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})).status_code == 404


def test_a_pending_upload_round_trips_through_the_bucket(s3_storage, s3_keys):
    """What an import waiting for its confirmation does with the default storage: save, find it
    again by listing, read it back, date it (the clean-up of old uploads), delete it."""
    before = timezone.now() - datetime.timedelta(seconds=60)
    workbook = b"PK\x03\x04" + os.urandom(200_000)
    name = default_storage.save("imports/7/upload.xlsx", ContentFile(workbook))
    second = default_storage.save("imports/7/upload.xlsx", ContentFile(b"other"))
    assert second != name  # never overwritten: a second upload gets a name of its own
    assert default_storage.exists(name)

    directories, files = default_storage.listdir("imports/")
    assert directories == ["7"] and files == []
    assert sorted(default_storage.listdir("imports/7/")[1]) == sorted(Path(n).name for n in (name, second))
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == workbook
    assert default_storage.size(name) == len(workbook)
    modified = default_storage.get_modified_time(name)
    assert timezone.is_aware(modified) and before <= modified <= timezone.now() + datetime.timedelta(seconds=60)

    default_storage.delete(name)
    default_storage.delete(second)
    assert not default_storage.exists(name)
    assert s3_keys(s3_storage) == []
    with pytest.raises(FileNotFoundError):
        default_storage.open(name, "rb")


def test_the_fixture_configures_storage_as_the_settings_do_from_the_environment():
    """tests/services.py builds S3Storage's options itself; they must be what production gets from S3_*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("S3_")}
    env.update(S3_BUCKET="files", S3_ENDPOINT_URL="http://127.0.0.1:9", S3_ACCESS_KEY=services.S3_ACCESS_KEY,
               S3_SECRET_KEY=services.S3_SECRET_KEY, S3_REGION=services.S3_REGION,
               DJANGO_SETTINGS_MODULE="config.settings")
    probe = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['default']))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    assert json.loads(result.stdout) == {"BACKEND": "storages.backends.s3.S3Storage",
                                         "OPTIONS": services.s3_storage_options("http://127.0.0.1:9", "files")}
