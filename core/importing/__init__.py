"""Excel imports with a preview: nothing is written until the whole file is clean.

How to add an import for a registry:

1. A resource (``<app>/resources.py``) subclassing :class:`ScopedModelResource`, with Chinese
   ``column_name`` on every field, natural keys in ``import_id_fields`` (never ``id``), and
   :class:`ScopedForeignKeyWidget` for foreign keys so a row can only point at records the user
   may see (unknown or out-of-scope keys give a Chinese row error)::

       class StationResource(ScopedModelResource):
           township = fields.Field(attribute="region", column_name="乡镇代码",
                                   widget=ScopedForeignKeyWidget(Region, "code", label="乡镇"))
           class Meta:
               model = Station
               import_id_fields = ("township", "kind")
               fields = ("township", "kind", "name")

2. A view: ``class StationImportView(ImportView)`` with ``resource_class``, ``title``,
   ``success_url`` and ``permission``, the app's rule (``permission = can_import_station``; a
   view without one refuses everybody, or override ``has_import_permission(user)``); export it as
   ``station_import_view = StationImportView.as_view()`` and add a URL.

The flow: upload → dry run inside a rolled-back transaction → preview listing every row with its
action (新增/更新/未变), an update's old → new for each changed cell, and every problem of every row
by Excel row number and column (each cell is read even when another is bad; a resource's look-up
adds its own with :meth:`ScopedModelResource.refuse`) → confirm → the import runs again in one
transaction and is rolled back entirely if any row fails.

What the user is handed (``workbook``): ``?template=1`` on the view's URL downloads the template
(a data sheet named after the record kind, a 说明 sheet with each column's meaning, format,
allowed values and an example from the resource's ``example``/``column_help``, and drop-down lists
for every choice or yes/no column); after a preview with errors, ``?marked=<token>`` downloads the
uploaded workbook (a CSV as a workbook) with each bad cell filled red and commented, and each bad
row's problems in a 错误说明 column at its end, which the import ignores, so the corrected file is
uploaded as it is.

A record is updated only when the row names it by its own key (``import_id_fields``, or for
stations the 站点编号 checked in ``get_instance``); a resource may list such a column in
``optional_columns`` (a file without it only adds records).

Files are .xlsx or .csv (UTF-8 with or without BOM, or GBK), told apart by their content; the
header row is looked for on every sheet below any title lines (:func:`read_workbook`). Sizes,
unpacked sizes and row counts are capped while streaming, XML entities are refused (openpyxl
parses through defusedxml), numbers are never rounded to fit a field, and a natural key repeated
within one file is an error naming both rows.

Large files (``StationResource``, up to 50,000 rows): the resource loads a whole file's foreign
keys and existing records in a few queries (:meth:`ScopedForeignKeyWidget.preload`), checks each
row in memory with the same widgets and ``full_clean``, and with ``use_bulk`` writes everything
in batches (with history) only once every row has passed; its view raises ``max_rows``.

Uploads wait between preview and confirm in the default storage (``pending``: the local disk, or
an object store every server shares), never longer than a day. A clean preview keeps, next to the
upload, the rows it read (compact JSON, ``files.sheet_dumps``): the confirmation checks those rows
against the database again, as they are then, without reading the workbook a second time; the
upload itself stays for the marked workbook, and is read again only if its rows are missing. With a broker configured
(``config.jobs.queued()``), the page only keeps the upload and hands the preview and the
confirmation to jobs on the workers (``queued``, ``jobs``): it shows their progress (rows read,
checked and written, ``progress``), then the preview kept as the job's result (``stored``), with
the marked workbook as the job's file; a job is its user's and its page's alone. Without one,
everything happens inside the request as before.

The package's rooms: ``files`` reads the upload, ``widgets`` reads each cell, ``resources``
runs and reports an import, ``workbook`` writes the template and the marked upload, ``views`` is
the upload page, ``pending`` keeps uploads, ``queued`` and ``jobs`` are the page's and the
workers' halves of an import run as jobs.
"""

from core.importing.files import (  # noqa: F401
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    SheetData,
    read_workbook,
)
from core.importing.resources import ImportReport, RowReport, ScopedModelResource, run_import  # noqa: F401
from core.importing.views import ImportUploadForm, ImportView, discard_pending_imports  # noqa: F401
from core.importing.widgets import (  # noqa: F401
    LOOKUP_BATCH,
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ScopedForeignKeyWidget,
    to_decimal,
)
