"""Numbers read from a request's query string or form, within what the database can hold: an id
or count typed as 10^23 is "no such record", not a database error."""

from __future__ import annotations

from django import forms

# PostgreSQL's bigint and SQLite's INTEGER both stop here.
LARGEST_ID = 2**63 - 1


def record_id(value) -> int | None:
    """A positive id the database can hold, or None (text, negative, zero, beyond bigint)."""
    text = str(value or "").strip()
    if not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices by id: an id the database cannot hold is refused like any unknown choice."""

    def _check_values(self, value):
        for pk in value:
            if record_id(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
        return super()._check_values(value)

