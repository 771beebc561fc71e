"""The survey's typed buttons: the longest values fit Telegram's 64 bytes, and they pack to the
strings earlier messages carry, so those buttons still work."""

from __future__ import annotations

from handlers.survey_buttons import FeeCb, FinishCb, FlagCb, OwnerCb, ServiceCb, StarsCb
from storage.survey import TOKEN_MAX

LONGEST_ID = 2**63 - 1  # a bigint id
LONGEST_KEY = "k" * 16  # a service key (storage.survey.SERVICE_KEY)


def test_the_longest_values_fit_64_bytes() -> None:
    token = "t" * TOKEN_MAX
    packed = [ServiceCb(token=token, service=LONGEST_KEY).pack(),
              StarsCb(token=token, service=LONGEST_KEY, stars=5).pack(),
              FeeCb(rating=LONGEST_ID, answer="x").pack(), FinishCb(rating=LONGEST_ID).pack(),
              FlagCb(step="k", flag=LONGEST_ID).pack(), OwnerCb(step="p").pack()]
    assert max(len(data.encode()) for data in packed) <= 64, packed


def test_buttons_pack_as_before_and_old_strings_unpack() -> None:
    assert StarsCb(token="abc123", service="tax", stars=4).pack() == "sv:r:abc123:tax:4"
    assert ServiceCb(token="abc123", service="tax").pack() == "sv:s:abc123:tax"
    assert FeeCb(rating=7, answer="y").pack() == "sv:f:7:y"
    assert FinishCb(rating=7).pack() == "sv:c:7"
    assert FlagCb(step="x", flag=3).pack() == "sv:x:3"
    assert OwnerCb(step="o").pack() == "sv:o"  # the owner's menu writes this one as text
    assert StarsCb.unpack("sv:r:abc123:other:5").stars == 5
    assert FeeCb.unpack("sv:f:12:n").rating == 12
