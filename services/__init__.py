"""Use cases: one module per capability, one public function per use case.

The layer between what people do (handlers, the command line, the web console) and what is kept
(`storage`), with the rules in `scoring`. Each public function:

- opens and commits exactly one unit of work (`async with uow: … await uow.commit()`);
- checks that the actor may do it, and raises `services.errors.Forbidden` otherwise;
- writes its audit row and its outbox rows (notices, as data) in that same transaction;
- returns a small frozen dataclass, or raises a `services.errors.ServiceError` whose `code` the
  presentation side turns into words.

It never renders text, never builds a keyboard and never imports aiogram: the same call serves the
bot, the command line and the console.
"""
