"""Defence in depth: no ID-card number reaches a log, whatever a caller passes to a logger."""

from __future__ import annotations

import logging

from workforce.validators import mask_id_numbers_in_text


class MaskIdNumbersFilter(logging.Filter):
    """Masks 18-character ID numbers in a record's message, arguments and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_id_numbers_in_text(text)
            if record.exc_text != text:
                record.exc_info = None
        return True
