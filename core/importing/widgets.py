"""Widgets that read a cell exactly and say in the user's language what is wrong with it."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

LOOKUP_BATCH = 2000  # keys per ``IN (…)`` query when a whole file's look-ups are loaded at once


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Resolves a natural key among the records the importing user may see; anything else is
    reported as not found, in Chinese, whether it does not exist or belongs to another region."""

    def __init__(self, model, field="pk", *, label: str = "", only: tuple[str, ...] = (), **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label or str(model._meta.verbose_name)
        self.user = None
        self.loaded = None  # key -> records, once :meth:`preload` has run
        # The fields a resource reads of the records :meth:`preload` keeps (all when empty): a
        # whole file's records are many; any other field is still read, one query each.
        self.only = tuple(only)

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.visible_to(kwargs.get("user") or self.user)

    @staticmethod
    def key(value) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def preload(self, values) -> None:
        """Looks up every key of a file in a few queries (same scope as :meth:`clean`), so the
        rows are then resolved from memory: a large import does not query once per row."""
        keys = sorted({self.key(value) for value in values if value not in (None, "")})
        self.loaded = {}
        for start in range(0, len(keys), LOOKUP_BATCH):
            records = self.get_queryset(None, None).filter(**{f"{self.field}__in": keys[start:start + LOOKUP_BATCH]})
            if self.only:
                records = records.only(self.field, *self.only)
            for record in records:
                self.loaded.setdefault(str(getattr(record, self.field)), []).append(record)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        value = self.key(value)
        try:
            if self.loaded is None:
                return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
            records = self.loaded.get(value, [])
            if len(records) != 1:
                raise (self.model.MultipleObjectsReturned if records else self.model.DoesNotExist)
            return records[0]
        except self.model.DoesNotExist as exc:
            raise ValueError(_("找不到%(label)s“%(value)s”，或不在您的管辖范围内。")
                             % {"label": self.label, "value": value}) from exc
        except self.model.MultipleObjectsReturned as exc:
            raise ValueError(_("%(label)s“%(value)s”对应多条记录。") % {"label": self.label, "value": value}) from exc


def to_decimal(value) -> Decimal:
    """A cell's number as an exact decimal, never rounded to fit. Excel keeps 15 significant
    digits, so a float is read to 15 significant digits: 0.1+0.2 stored as 0.30000000000000004
    is the 0.3 the user sees, while 1234.5600000001 stays what it is. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    text = format(value, ".15g") if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


class IntegerWidget(widgets.IntegerWidget):
    """Whole numbers; anything else (1.5, “1.0000001”, text) is a Chinese error naming the value."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = to_decimal(value)
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是整数。") % {"value": value}) from exc
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s”不是整数，不能有小数部分。") % {"value": value})
        return int(number)


class DecimalWidget(widgets.DecimalWidget):
    """Exact decimals (yuan with fen, hours, areas); never through float, never rounded: more
    decimal places than the field keeps is an error. ``places`` defaults to 2 (yuan and fen);
    :class:`ScopedModelResource` sets it from the model field."""

    def __init__(self, places: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = to_decimal(value)
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是有效的数字。") % {"value": value}) from exc
        if self.places is not None and -number.as_tuple().exponent > self.places:
            if self.places == 0:
                raise ValueError(_("“%(value)s”不是整数，不能有小数部分。") % {"value": value})
            raise ValueError(_("“%(value)s”的小数位数过多：最多保留 %(places)s 位小数，请核对（系统不会自动四舍五入）。")
                             % {"value": value, "places": self.places})
        return number


class DateWidget(widgets.DateWidget):
    """Excel dates, or text as 2024-03-01, 2024/3/1 or 2024年3月1日."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
        try:
            return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是有效日期（应为 2024-03-01 这样的格式）。") % {"value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value  # an Excel export: a real date cell
        return value.isoformat() if value else ""


class BooleanWidget(widgets.BooleanWidget):
    TRUE = {"是", "有", "true", "1", "y", "yes"}
    FALSE = {"否", "无", "false", "0", "n", "no"}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (_("是") if value else _("否"))


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (or its stored value); unknown labels list the options."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self._lookups = {}  # language -> {label or stored value: stored value}; labels translate lazily

    # The look-up of the language an import runs in, for its rows (``pin``): asking the language
    # for each cell costs more than the look-up itself.
    pinned = None

    def pin(self, pinned: bool) -> None:
        self.pinned = self._lookup() if pinned else None

    def _lookup(self) -> dict:
        language = translation.get_language()
        lookup = self._lookups.get(language)
        if lookup is None:
            lookup = self._lookups[language] = {}
            for stored, label in self.choices:
                lookup.setdefault(str(label), stored)
                lookup.setdefault(str(stored), stored)
        return lookup

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        lookup = self.pinned if self.pinned is not None else self._lookup()
        text = str(value).strip()
        if text in lookup:
            return lookup[text]
        options = "、".join(str(label) for _stored, label in self.choices)
        raise ValueError(_("“%(value)s”不在可选范围内（可选：%(options)s）。") % {"value": value, "options": options})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))

