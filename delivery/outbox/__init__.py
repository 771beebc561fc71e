"""The outbox sender: drains queued messages to each platform, at the platform's pace.

How a row travels: `queued` → claimed (`sending`, with a lease) → the API call → `sent` only
after the platform answered OK; or back to `queued` with a later `not_before` (429, 5xx, network),
or `failed` (a request the platform refuses, or too many attempts), `unreachable` (403, or the chat
does not exist, in either platform's words: the account is marked unreachable too), `expired` (the
payload's `expires_at` has passed: a reminder that would say something stale is never delivered).
A text or caption over the platform's limit goes out as several calls (`delivery.limits`). A
refused token stops that platform's sender with one log line; its rows stay queued
(`delivery.verdicts`, docs/PLATFORMS.md).

Claims are one short UPDATE … RETURNING (on PostgreSQL over `FOR UPDATE SKIP LOCKED`), so two
senders never hold the same row; a lease that runs out (a dead process) makes the row claimable
again, and a live sender renews the leases it holds. By default one sender per platform is active
at a time (a PostgreSQL advisory lock, or an OS file lock beside the SQLite file, both released
when the process dies): it can take back, at once, the rows its dead predecessor left in
`sending`, and the platform's rate limit is really one limit.

At most `max_in_flight[platform]` rows are between "claimed" and "outcome committed" at any
moment. Only those can be sent twice after a crash (the API said OK, the process died before the
commit), so that number bounds the duplicates a SIGKILL can cause.

Several workers (`PISHKHAN_REDIS_URL` set, `delivery.coordination`): every worker's sender is
active, claims with `SKIP LOCKED` and reserves each send's slot from one budget per bot in Redis;
a chat's messages still go one at a time (a short Redis lock per chat). A dead worker's rows come
back when their lease runs out.

Pace: one token bucket per platform (`settings.telegram_rate` / `settings.bale_rate` messages per
second) shared by that platform's concurrent sends. A 429 halves the pace for a while (it comes
back within seconds) and the row waits `retry_after`, or an exponential backoff when the platform
gave none (Bale's bare "bot limit exceed"); a long `retry_after` pauses the whole platform.

Where it lives: `delivery.outbox.sender` (`OutboxSender`: the lanes, the loop that claims and
starts sends, stopping), `delivery.outbox.claims` (claiming, leases, taking back, the one
active sender's lock), `delivery.outbox.sending` (one row: its payload, its parts, one chat at
a time, each call's verdict), `delivery.outbox.recording` (outcomes committed in batches).
"""

from delivery.calls import build_method
from delivery.outbox.sender import PLATFORMS, OutboxSender

__all__ = ["PLATFORMS", "OutboxSender", "build_method"]
