"""A long free-text reason (a return reason) is saved: the history keeps what its column holds."""

from core.audit import save_audited
from tests import builders
from tests.workforce import builders as wb


def test_a_reason_longer_than_the_history_column_is_cut_not_refused(hierarchy):
    organisation = wb.organisation(hierarchy.county_a)
    organisation.contact_name = "张三"
    reason = "评分表第三项缺少佐证材料，" * 20
    save_audited(organisation, actor=builders.superuser(), reason=reason)
    latest = organisation.history.latest()
    assert latest.contact_name == "张三"
    assert len(latest.history_change_reason) == 100
    assert reason.startswith(latest.history_change_reason[:-1]) and latest.history_change_reason.endswith("…")
