"""The ways in: /console in the bot (staff only; on both platforms) and `pishkhan console link`
(a staff member only; one line, exit code 2 for anyone else)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.console.conftest import Served, browser_client
from tests.review.conftest import REVIEWER_4, REVIEWER_7, SARI, SARI_OWNER, link_owner

runner = CliRunner()
LINK = re.compile(r"(http://\S+/console/login/([0-9a-f]{48}))")


@pytest.mark.parametrize("who", [REVIEWER_4, REVIEWER_7])  # telegram, bale
async def test_console_in_the_bot_gives_a_staff_member_a_working_link(
        served: Served, who: tuple[str, int]) -> None:
    user = served.world.user(*who, "بازبین")
    await user.send_command("console")
    message = await user.wait_text("پیوند ورود", timeout=10)
    found = LINK.search(message["text"])
    assert found, message["text"]
    token = found.group(2)
    async with browser_client() as client:
        async with client.get(f"{served.base}/login/{token}") as response:
            assert response.status == 200
            assert "صف بررسی" in await response.text()


async def test_console_in_the_bot_is_not_for_owners(served: Served) -> None:
    await link_owner(served.world, SARI, *SARI_OWNER)
    owner = served.world.user(*SARI_OWNER, "مالک")
    await owner.send_command("console")
    reply = await owner.wait_message(timeout=10)
    assert "/console/login/" not in reply["text"]


def test_console_link_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("PISHKHAN_CONSOLE_BASE_URL", "https://pishkhan.example.ir")
    monkeypatch.delenv("PISHKHAN_BALE_TOKEN", raising=False)
    monkeypatch.delenv("PISHKHAN_TELEGRAM_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    refused = runner.invoke(app, ["console", "link", "--platform", "telegram",
                                  "--user-id", "42"])
    assert refused.exit_code == 2
    assert "reviewers, associations and headquarters" in refused.output
    added = runner.invoke(app, ["staff", "add", "--platform", "telegram", "--user-id", "42",
                                "--role", "hq", "--name", "ستاد"])
    assert added.exit_code == 0, added.output
    done = runner.invoke(app, ["console", "link", "--platform", "telegram", "--user-id", "42"])
    assert done.exit_code == 0, done.output
    assert re.fullmatch(r"https://pishkhan\.example\.ir/console/login/[0-9a-f]{48}\n",
                        done.output)
    bad = runner.invoke(app, ["console", "link", "--platform", "icq", "--user-id", "42"])
    assert bad.exit_code == 2


async def test_the_bot_and_the_console_show_the_same_state(served: Served) -> None:
    from tests.console.conftest import signed_in
    from tests.review.conftest import BABOL, file_declaration

    first = await file_declaration(served.world, SARI)
    await file_declaration(served.world, BABOL)
    reviewer = served.world.user(*REVIEWER_4, "بازبین")
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(REVIEWER_4))
        async with client.post(f"{served.base}/d/{first.declaration_id}/confirm",
                               data={"csrf": csrf}) as response:
            assert response.status == 200
        await reviewer.send_command("review")
        queue = await reviewer.wait_text("در انتظار بررسی: ۱", timeout=10)
        assert "تأییدشده: ۱" in queue["text"]
        await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
        await reviewer.wait_text("امتیاز موقت", timeout=10)
        await reviewer.press("✅ تأیید")
        await reviewer.wait_text("تأیید شود؟", timeout=10)
        await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
        await reviewer.wait_text("پرونده‌ای در انتظار بررسی نیست", timeout=10)
        async with client.get(f"{served.base}/?status=c") as response:
            page = await response.text()
        assert "۰ پرونده در انتظار بررسی" in page
        assert page.count("تأییدشده از سوی منطقه") == 2
