"""Evidence files: at most 10 MB, and only PDF, JPEG/PNG images, Word (.docx) and
Excel (.xlsx), checked by the file's extension AND by its content."""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")
_ZIP_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def sniff_kind(head: bytes) -> str | None:
    """The file kind named by its first bytes: pdf, jpg, png, zip, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_evidence_file(upload) -> None:
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", 0) or 0
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("附件“%(name)s”大小为 %(mb).1f MB，超过 10 MB 上限。") % {"name": name, "mb": size / 1024 / 1024},
            code="too_large",
        )
    extension = _extension(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("附件“%(name)s”的类型不允许，只接受 PDF、JPG/PNG 图片、Word（.docx）和 Excel（.xlsx）文件。") % {"name": name},
            code="extension",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    expected = {"jpeg": "jpg", "docx": "zip", "xlsx": "zip"}.get(extension, extension)
    ok = sniff_kind(head) == expected
    if ok and extension in _ZIP_MEMBER:
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = _ZIP_MEMBER[extension] in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
    upload.seek(position)
    if not ok:
        raise ValidationError(
            _("附件“%(name)s”的内容与扩展名 .%(ext)s 不符，文件可能已损坏或被改名。") % {"name": name, "ext": extension},
            code="content",
        )
