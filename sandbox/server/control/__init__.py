"""The control API: JSON over HTTP under ``/sandbox``, for scripted users, tests in another
process and the web chat page. The endpoint list is in the docstring of :mod:`sandbox`.

* :mod:`~sandbox.server.control.api` - :class:`ControlApi` and its route table;
* :mod:`~sandbox.server.control.bots` - bots, users, files, sent counts, pending updates;
* :mod:`~sandbox.server.control.chats` - chats, transcripts, long-poll waits, buttons,
  callback queries;
* :mod:`~sandbox.server.control.actions` - what a user does (``POST .../chats/{chat}/{action}``);
* :mod:`~sandbox.server.control.faults` - faults, the rate ceiling, Bale-style redelivery;
* :mod:`~sandbox.server.control.base` - request parsing and error answers shared by them.
"""

from sandbox.server.control.api import ControlApi

__all__ = ["ControlApi"]
