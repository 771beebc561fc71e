"""Owners' questions to named experts, as use cases: one function per thing a person does, each
one unit of work with its permission check, audit row and notices (outbox rows, as data).

| module | whose |
|---|---|
| `owner` | the owner: directory, asking, writing, closing, rating, the office's list |
| `answerer` | liaisons, HQ experts, supervisors: inbox, card, answering, claiming, passing on |
| `admin` | the scheduler's escalation sweep; the command line's expert linking |
| `common` | storage's refusals as `services.errors` (`ticket-refused-<reason>`) |
"""

from services.tickets.admin import escalate_due, link_expert, unlink_expert
from services.tickets.common import reason, refusal

__all__ = ["escalate_due", "link_expert", "reason", "refusal", "unlink_expert"]
