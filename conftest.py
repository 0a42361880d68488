import os

# Playwright's sync API runs an asyncio loop in the main thread; Django would then
# refuse ORM calls from that thread, even pytest-django's test-database set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
