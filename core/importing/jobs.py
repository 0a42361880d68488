"""Imports run as jobs (see core.jobs): preview and confirm of a stored upload."""
