"""The evaluation domain, pure: no I/O, no aiogram, no database.

Everything here is a plain function or a frozen model so that it can be unit- and property-tested
on its own and reused by the bot, the command line, the reports and the benchmarks.
"""
