"""Demo data for this app."""


def seed(*, stdout, context):
    """Nothing to seed yet."""
