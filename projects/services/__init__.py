"""Writes for organisations, contracts and payments; each takes the acting user and is audited."""

from projects.services.contracts import (
    contract_create,
    contract_mark_not_renewable,
    contract_record_evaluation,
    contract_record_filing,
    contract_update,
)
from projects.services.organisations import (
    minimum_wage_set,
    organisation_add_known,
    organisation_create,
    organisation_delete,
    organisation_update,
    spending_set,
)
from projects.services.payments import payment_record
from projects.services.schedule import (
    FEN,
    installment_release,
    installments_redate,
    split_amount,
)

__all__ = [
    "FEN",
    "contract_create",
    "contract_mark_not_renewable",
    "contract_record_evaluation",
    "contract_record_filing",
    "contract_update",
    "installment_release",
    "installments_redate",
    "minimum_wage_set",
    "organisation_add_known",
    "organisation_create",
    "organisation_delete",
    "organisation_update",
    "payment_record",
    "spending_set",
    "split_amount",
]
