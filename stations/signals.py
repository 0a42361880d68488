"""Signals the stations app sends for writes that bypass the model signals."""

from django.dispatch import Signal

# Sent by stations_save_in_bulk with ``station_ids``: the stations created or changed by bulk SQL
# (no post_save for each), so that other apps' summaries of stations can follow.
stations_saved_in_bulk = Signal()
