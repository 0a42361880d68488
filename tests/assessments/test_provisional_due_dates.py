"""An installment's due date on the evaluation page is marked 按未公布的节假日安排估算 while it
counts through a year whose holiday arrangements are not published, and no longer once they are."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from assessments import services
from stations import services as station_services

pytestmark = pytest.mark.django_db
D = datetime.date
PROVISIONAL = "按未公布的节假日安排估算"


@time_machine.travel(datetime.datetime(2026, 12, 2, 2, tzinfo=datetime.UTC))
def test_the_evaluation_page_marks_a_due_date_counted_through_2027(client, world):
    evaluation = services.evaluation_create(actor=world.staff_a, template=world.midterm, contract=world.contract,
                                            period_start=D(2026, 1, 1), period_end=D(2026, 6, 30))
    installments = list(world.contract.installments.order_by("sequence"))
    # one due in 2026 (published), one counted into 2027
    installments[0].__class__.objects.filter(pk=installments[0].pk).update(
        triggered_on=D(2026, 11, 2), due_on=D(2026, 11, 23))
    installments[1].__class__.objects.filter(pk=installments[1].pk).update(
        triggered_on=D(2026, 12, 21), due_on=D(2027, 1, 12))
    url = reverse("assessments:evaluation-detail", kwargs={"pk": evaluation.pk})
    client.force_login(world.staff_a)
    rows = client.get(url).content.decode().split('id="installments"', 1)[1].split("</table>", 1)[0].split("<tr")
    marked = [row for row in rows if PROVISIONAL in row]
    assert len(marked) == 1 and "2027年1月12日" in marked[0]

    station_services.holiday_calendar_enter(
        actor=world.root, year=2027, title="国务院办公厅关于2027年部分节假日安排的通知", name="元旦",
        holidays=[D(2027, 1, 1)], workdays=[])
    assert PROVISIONAL not in client.get(url).content.decode()

    client.force_login(world.staff_b)  # another county sees neither the evaluation nor its schedule
    assert client.get(url).status_code == 404
