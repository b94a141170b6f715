"""The one counting output channel (bot/channels/common.py): used by `deliver` and the reply guard."""

from rasa.core.channels.channel import CollectingOutputChannel

from bot.channels.common import CountingOutputChannel


class Named(CollectingOutputChannel):
    @classmethod
    def name(cls):
        return "telegram"


async def test_every_way_of_sending_is_counted_and_passed_on_under_the_real_channels_name():
    inner = Named()
    counting = CountingOutputChannel(inner)
    await counting.send_response("u1", {"text": "Bonjour"})
    await counting.send_text_message("u1", "Visale ?")
    await counting.send_text_with_buttons("u1", "Choisissez :", [{"title": "Oui", "payload": "/affirm"}])
    assert counting.sent == 3 and counting.name() == "telegram"
    assert [(m["recipient_id"], m["text"]) for m in inner.messages] == [
        ("u1", "Bonjour"), ("u1", "Visale ?"), ("u1", "Choisissez :")]
    assert counting.messages is inner.messages  # anything else is the real channel's
