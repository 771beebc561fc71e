"""`pishkhan demo`: the whole story in one process, no token, no network.

A sandbox stands in for Bale and Telegram, a temporary SQLite database for the regulator's, and
scripted people play their parts over real HTTP: an office owner on Bale declares with evidence,
is reminded of the deadline, asks an expert who answers on Telegram, and submits; the region
returns one item, the owner fixes it, the region confirms; headquarters publishes; the owner
receives the rank. The conversation is printed as each person saw it.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from demo.local import DATA, World, local_world
from sandbox import samples
from sandbox.user import ScriptedUser
from services.staff import add_staff

console = Console(highlight=False, soft_wrap=True)


def sample_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 60, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


def sample_pdf(text: str = "demo") -> bytes:
    """A real one-page PDF: the bot opens every PDF with a parser and refuses hollow ones."""
    return samples.pdf(text)


@dataclass
class Cast:
    """Who is who, and how far each person's chat has been printed."""

    people: dict[str, tuple[str, ScriptedUser]] = field(default_factory=dict)
    printed: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, label: str, user: ScriptedUser) -> ScriptedUser:
        self.people[key] = (label, user)
        self.printed[key] = 0
        return user

    async def show(self, key: str) -> None:
        """Print what happened in this person's chat since the last call."""
        label, user = self.people[key]
        entries = await user.transcript()
        buttons = {}
        for entry in entries:
            for row in (entry.get("reply_markup") or {}).get("inline_keyboard") or []:
                for button in row:
                    pressed = (entry.get("message_id"), button.get("callback_data"))
                    buttons[pressed] = button["text"]
        for entry in entries[self.printed[key]:]:
            if entry.get("deleted"):
                continue
            text = entry.get("text") or entry.get("caption") or ""
            kind = entry.get("kind")
            if kind == "callback":
                text = "[" + buttons.get((entry.get("message_id"), entry.get("data")),
                                         entry.get("data") or "") + "]"
            elif kind in ("photo", "document", "contact", "sticker") and not text:
                text = {"photo": "🖼", "document": "📄", "contact": "📱"}.get(kind, kind)
            elif kind in ("photo", "document"):
                text = ("🖼 " if kind == "photo" else "📄 ") + text
            text = text.replace("\n", "\n         ")
            if entry["direction"] == "in":
                console.print(Text.assemble((f"{label} › ", "bold cyan"), text))
            else:
                console.print(Text.assemble(("  ربات › ", "green"), text))
                markup = entry.get("reply_markup") or {}
                rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
                shown = "  ".join(f"[{b['text']}]" for row in rows for b in row)
                if shown:
                    console.print(Text("         " + shown, style="dim"))
        self.printed[key] = len(entries)


def scene(title: str) -> None:
    console.print()
    console.print(Rule(f"[bold]{title}[/]"))


async def drain(world: World) -> int:
    from delivery.outbox import OutboxSender

    return await OutboxSender.from_app(world.app).drain_once(within=20)


async def story(world: World) -> None:
    cast = Cast()
    jpeg, pdf = sample_jpeg(), sample_pdf()
    owner = cast.add("owner", "زهرا (مالک دفتر، بله)",
                     world.user("bale", 1001, "زهرا", phone="09382413657"))
    liaison = cast.add("liaison", "رابط منطقهٔ شمال (تلگرام)",
                       world.user("telegram", 2001, "رابط شمال"))
    await add_staff(world.uow(), platform="telegram", user_id=2001, role="liaison", region=4,
                    name="آقای رابط")
    await add_staff(world.uow(), platform="telegram", user_id=2001, role="reviewer", region=4,
                    name="آقای رابط")
    await add_staff(world.uow(), platform="telegram", user_id=3001, role="hq", name="ستاد")

    scene("۱. مالک دفتر حساب خود را متصل می‌کند و خوداظهاری را آغاز می‌کند")
    await owner.send_command("/start")
    await owner.wait_text("شمارهٔ همراه")
    await owner.press("📱 ارسال شمارهٔ همراه من")
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("✍️ ادامهٔ خوداظهاری")
    await owner.wait_text("پرسش ۱")
    await owner.send_text("۸۵")
    await owner.wait_text("حداکثر")
    await owner.send_photo(jpeg)
    await owner.wait_text("فایل دریافت شد")
    await owner.press("✅ تمام")
    await owner.wait_text("پرسش ۲")
    await cast.show("owner")

    scene("۲. سه روز پیش از پایان مهلت: یادآوری")
    assert world.period is not None
    world.clock.set(world.period.closes_at - timedelta(days=3, hours=12))  # noon (send hours)
    from services.reminders import sweep_reminders

    await sweep_reminders(world.uow(), world.clock.now(), world.settings.tz)
    await drain(world)
    await owner.wait_text("یادآوری")
    await cast.show("owner")

    scene("۳. پرسش از کارشناس؛ رابط منطقه در تلگرام پاسخ می‌دهد")
    await liaison.send_command("/start")
    await liaison.wait_message()
    await owner.send_command("/contact")
    await owner.wait_text("کارشناسان")
    await owner.press("پرسش تازه")
    await owner.wait_text("موضوع پرسش")
    await owner.press("خوداظهاری")
    await owner.wait_text("در یک پیام بنویسید")
    await owner.send_text("آیا کارمند پاره‌وقت هم در فهرست کارکنان می‌آید؟")
    await owner.wait_text("ثبت شد")
    await owner.press("تمام")
    await owner.wait_text("پاسخ در همین ربات")
    await drain(world)
    await liaison.wait_text("پرسش تازه")
    await liaison.press("پاسخ")
    await liaison.wait_text("پاسخ خود")
    await liaison.send_text("بله، اگر بیمهٔ تأمین اجتماعی دارد، او را هم وارد کنید.")
    await liaison.wait_text("فرستاده شد")
    await drain(world)
    await owner.wait_text("بیمهٔ تأمین اجتماعی دارد")
    await cast.show("liaison")
    await cast.show("owner")

    scene("۴. مالک بقیهٔ پرسش‌ها را پاسخ می‌دهد و خوداظهاری را می‌فرستد")
    await owner.send_command("/start")
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("✍️ ادامهٔ خوداظهاری")
    await owner.wait_text("کارکنان دفتر")
    await owner.send_text("علی رضایی")
    await owner.wait_text("علی رضایی")
    buttons = [b for b in await owner.buttons() if b.startswith("⬜️")]
    await owner.press(buttons[0])
    await asyncio.sleep(0.3)
    await owner.press("✅ فهرست کامل است")
    await owner.wait_text("حداکثر")
    await owner.send_document(pdf, "insurance.pdf", "application/pdf")
    await owner.wait_text("فایل دریافت شد")
    await owner.press("✅ تمام")
    await owner.wait_text("پرسش ۳")
    await owner.press("بر خیابان اصلی")
    await owner.wait_text("پرسش ۴")
    await owner.send_text("12")
    await owner.wait_text("حداکثر")
    await owner.send_photo(jpeg)
    await owner.wait_text("فایل دریافت شد")
    await owner.press("✅ تمام")
    await owner.wait_text("پرسش ۵")
    await owner.press("بله")
    await owner.wait_text("پرسش ۶")
    await owner.press("✅ تمام")
    await owner.wait_text("مرور خوداظهاری")
    await owner.press("📤 ارسال خوداظهاری")
    await owner.wait_text("ارسال می‌کنید")
    await owner.press("✅ بله، ارسال شود")
    await owner.wait_text("ثبت شد")
    await cast.show("owner")

    await review_and_publish(world, cast)


async def review_and_publish(world: World, cast: Cast) -> None:
    """The region returns an item, the owner fixes it, the region confirms, hq publishes."""
    from demo.review import play

    await play(world, cast, scene, drain)


async def run_demo(registry: Path | None = None) -> float:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pishkhan-demo-") as tmp:
        regions = (registry / "regions.csv") if registry else DATA / "demo_regions.csv"
        offices = (registry / "offices.csv") if registry else DATA / "demo_offices.csv"
        console.print(Rule("[bold]pishkhan demo[/] — ربات خوداظهاری دفاتر پیشخوان"))
        console.print("sandbox (Bale + Telegram emulator), SQLite in a temporary folder, "
                      f"registry: {offices}")
        # The H1 1404 window as announced (12 Mehr to 12 Aban), seen from 20 Mehr, 10:00 Tehran.
        now = datetime(2025, 10, 12, 6, 30, tzinfo=UTC)
        async with local_world(Path(tmp), regions=regions, offices=offices, now=now,
                               period_window=("1404/07/12", "1404/08/12")) as world:
            await story(world)
    elapsed = time.perf_counter() - started
    console.print()
    console.print(Rule(f"the story took {elapsed:.1f} s"))
    return elapsed
