"""An album (several photos or files sent at once, one `media_group_id`) is one answer.

Each part writes its file's name into one queued outbox notice in the same transaction as the
file (`storage.album_notices`, through `services.declaration.evidence.attach`), and moves the
notice's `not_before` `QUIET` seconds on; the outbox sender acknowledges the album once no part
has come for that long. Nothing lives in a process's memory, so a kill inside the window loses
nothing (tests/e2e/test_album_kill.py) and the parts may reach different workers.
"""

from __future__ import annotations

QUIET = 1.5  # seconds without a new part before the album is acknowledged
