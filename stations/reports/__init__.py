"""Monthly reports: what each station delivered each month, entered by its head, reviewed by the
county, locked once approved; completeness and roll-ups up the hierarchy.

A package of ``stations`` with the rooms of an app (models, services, selectors, views, forms,
admin, resources, workbooks, demo). It stays inside ``stations`` rather than becoming an app of
its own: its tables are the ``stations`` app's (no model moves between apps, so no migration),
and a report belongs to a station, which other apps reach only through ``stations``.
"""
