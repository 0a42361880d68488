"""Exports run as jobs (see config.jobs): a large export written to the shared storage."""
