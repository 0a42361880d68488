"""``make load``: the month-end rush on this machine, bounded and on 127.0.0.1 only.

Starts gunicorn as the README deploys it (production settings, ``--workers 4``) against the
national dataset (``scripts.national``, scaled by ``LOAD_SCALE``) in the database ``DATABASE_URL``
names (emptied and refilled unless ``LOAD_GENERATE=0``), or in a throwaway PostgreSQL of its own.
Then, at 1, 8 and 32 concurrent users, it runs the mixed month-end traffic for ``LOAD_SECONDS``
each (50% county pages, 20% station heads with draft saves, 20% city and province dashboards,
10% the national dashboard) and the login page (the floor) at the same concurrency, and prints
requests/s, p50/p95/p99 per page kind, errors and the ratios, with the load average. The results
go to ``var/load-results.json`` too, so the README can quote them.
"""
