"""Issue 15, item 10: Telegram and Twilio retries were processed twice.

Before: the same Telegram update (same `update_id`) or the same Twilio message (same `MessageSid`)
posted again — what the providers do after a timeout — was a new message: answered twice, and a
« 34 » given to one question of a check was taken as the answer to the next one too. After: a
repeat is acknowledged (200) and not processed, also when it arrives while the first delivery is
still being processed (bot/channels/dedup.py: a bounded set of recent ids per process)."""

import concurrent.futures
import time

from bot.channels.dedup import RecentIds
from tests.channels.helpers import (new_chat_id, new_phone, telegram_exchange, telegram_post, telegram_update,
                                    twilio_form, twilio_post)


def _settle(count, timeout: float = 5.0) -> int:
    """The number of provider calls once it stops growing (replies are sent before the 200)."""
    deadline, last = time.monotonic() + timeout, count()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = count()
        if now == last:
            return now
        last = now
    return last


def test_a_telegram_retry_is_not_processed_again(stack, provider_api):
    chat = new_chat_id()
    telegram_exchange(stack, provider_api, chat, "je voudrais vérifier visale, j'ai quel âge il faut ?")
    answer = telegram_update(chat, "34")
    first = telegram_exchange(stack, provider_api, chat, update=answer)
    assert first, "the answer got no reply"
    again = telegram_exchange(stack, provider_api, chat, update=answer)  # Telegram's retry
    assert again == []
    assert telegram_exchange(stack, provider_api, chat, "merci"), "a new update is still processed"


def test_telegram_retries_arriving_together_are_processed_once(stack, provider_api):
    chat = new_chat_id()
    update = telegram_update(chat, "c'est quoi visale ?")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda _: telegram_post(stack, update).status_code, range(4)))
    assert codes == [200] * 4
    sent = _settle(lambda: len(provider_api.telegram_messages(chat)))
    single = new_chat_id()
    telegram_post(stack, telegram_update(single, "c'est quoi visale ?"))
    assert sent == _settle(lambda: len(provider_api.telegram_messages(single)))


def test_a_twilio_retry_is_not_processed_again(stack, provider_api):
    phone = new_phone()
    form = twilio_form(phone, "c'est quoi visale ?")
    assert twilio_post(stack, form).status_code == 200
    sent = _settle(lambda: len(provider_api.twilio_messages(phone)))
    assert sent > 0
    with concurrent.futures.ThreadPoolExecutor(3) as pool:  # Twilio's retries, the same MessageSid
        assert [r.status_code for r in pool.map(lambda _: twilio_post(stack, form), range(3))] == [200] * 3
    assert _settle(lambda: len(provider_api.twilio_messages(phone))) == sent
    assert twilio_post(stack, twilio_form(phone, "merci")).status_code == 200  # a new message: processed
    assert _settle(lambda: len(provider_api.twilio_messages(phone))) > sent


def test_recent_ids_are_bounded_in_number_and_time():
    now = [0.0]
    recent = RecentIds(size=3, seconds=60, clock=lambda: now[0])
    assert [recent.seen(i) for i in (1, 2, 1)] == [False, False, True]
    assert recent.seen(3) is False and recent.seen(4) is False  # 1, the oldest, is forgotten
    assert len(recent) == 3 and recent.seen(1) is False
    now[0] = 61.0
    assert recent.seen(4) is False  # older than a minute: forgotten
    assert recent.repeats == 1
