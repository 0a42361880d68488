"""Installments falling due: for reminders of payments to make."""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet

from projects.models import PaymentInstallment


def installments_due(*, user, first: datetime.date, last: datetime.date, today: datetime.date
                     ) -> QuerySet[PaymentInstallment]:
    """Installments of contracts the user sees, due from ``first`` to ``last`` (both included) and
    not fully paid by ``today``, soonest first, with their contract."""
    return (PaymentInstallment.objects.visible_to(user).with_paid(until=today)
            .filter(due_on__range=(first, last), paid__lt=F("amount"))
            .select_related("contract").order_by("due_on", "contract__number", "sequence"))
