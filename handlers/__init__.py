"""The whole conversation map: every feature's router, composed here and only here."""

from __future__ import annotations

from aiogram import F, Router

from handlers import start


def build_router() -> Router:
    root = Router(name="root")
    root.message.filter(F.chat.type == "private")
    root.include_routers(start.router)
    return root
