"""Notices of the review feature that need more than their catalog entry (buttons, dates,
lists): one renderer each, registered with `texts.notices.renderer`."""

from __future__ import annotations
