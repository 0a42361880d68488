"""Load and fault checks against the production stack (gunicorn + PostgreSQL) on 127.0.0.1 only.

Starts a throwaway PostgreSQL cluster and gunicorn with production settings (DEBUG off), then:

1. 50 station heads submit their month's report in parallel, each double-clicking "填报" and
   "报送": every report exists exactly once, submitted exactly once, no 500s.
2. 10 editors save the same draft version at once: exactly one save goes through, the nine others
   are told the report changed, the stored text is the winner's (no lost update), no 500s.
3. PostgreSQL is restarted while requests and writes run: users get the 503 "retry" page (never a
   500 or a traceback), no half-written rows, and pages answer again within seconds.
4. A burst of large junk uploads: other pages stay responsive and no temporary file is left.

Prints a table and exits non-zero if a check fails. Needs Debian's postgresql and root (the
cluster runs as the postgres user, like .ci/run)::

    make faults        # python -m scripts.faults

``stack`` starts and seeds the stack, ``browser`` talks to it as a browser would, ``checks`` holds
the four checks.
"""
