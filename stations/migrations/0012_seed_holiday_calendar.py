"""The official holiday calendar of the years the chinesecalendar package knows, one notice per
year with the days it moves (weekdays off, weekend days worked). A year already entered is left
as it is, so running it again adds nothing. The notices' numbers are not in the package: an
administrator completes them. Later years are entered in the admin as they are announced."""


from django.db import migrations

SEED_NOTE = "由 chinesecalendar 程序包导入；文号待补录。"


def library_years():
    import chinese_calendar

    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(known).year, max(known).year + 1)


def adjusted_days(year):
    """(day, kind, holiday name) for the days the package moves in ``year``."""
    import chinese_calendar

    def name(value):
        return chinese_calendar.Holiday(value).chinese if value else ""

    holidays = [(day, "holiday", name(value)) for day, value in chinese_calendar.holidays.items()
                if day.year == year and day.weekday() < 5]
    workdays = [(day, "workday", name(value)) for day, value in chinese_calendar.workdays.items()
                if day.year == year and day.weekday() >= 5]
    return sorted(holidays + workdays)


def seed(apps, schema_editor):
    HolidayNotice = apps.get_model("stations", "HolidayNotice")
    AdjustedDay = apps.get_model("stations", "AdjustedDay")
    for year in library_years():
        if HolidayNotice.objects.filter(year=year).exists():
            continue
        notice = HolidayNotice.objects.create(
            year=year, title=f"国务院办公厅关于{year}年部分节假日安排的通知", note=SEED_NOTE)
        taken = set(AdjustedDay.objects.filter(day__year=year).values_list("day", flat=True))
        AdjustedDay.objects.bulk_create(AdjustedDay(notice=notice, day=day, kind=kind, name=name)
                                        for day, kind, name in adjusted_days(year) if day not in taken)


def unseed(apps, schema_editor):
    HolidayNotice = apps.get_model("stations", "HolidayNotice")
    HolidayNotice.objects.filter(note=SEED_NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0011_holiday_calendar"),
    ]
    # Due dates derived while migrating (projects 0006) count working days on this calendar.
    run_before = [
        ("projects", "0006_policy_rules_from_documents"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
