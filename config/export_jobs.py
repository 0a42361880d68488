"""Exports run as jobs (see core.jobs): a large export written to the shared storage."""
