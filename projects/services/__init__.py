"""Writes for organisations, contracts and payments; each takes the acting user and is audited."""

from projects.services.contracts import (
    contract_create,
    contract_mark_not_renewable,
    contract_record_evaluation,
    contract_record_filing,
    contract_update,
)
from projects.services.organisations import (
    organisation_add_known,
    organisation_create,
    organisation_delete,
    organisation_update,
    policy_save,
    spending_set,
)
from projects.services.payments import payment_record
from projects.services.schedule import (
    DEFAULT_SCHEDULE,
    FEN,
    PAYMENT_WORKING_DAYS,
    default_schedule,
    installment_release,
    split_amount,
)

__all__ = [
    "DEFAULT_SCHEDULE",
    "FEN",
    "PAYMENT_WORKING_DAYS",
    "contract_create",
    "contract_mark_not_renewable",
    "contract_record_evaluation",
    "contract_record_filing",
    "contract_update",
    "default_schedule",
    "installment_release",
    "organisation_add_known",
    "organisation_create",
    "organisation_delete",
    "organisation_update",
    "payment_record",
    "policy_save",
    "spending_set",
    "split_amount",
]
