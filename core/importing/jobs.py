"""Imports run as jobs (see config.jobs): preview and confirm of a stored upload."""
