"""Per-channel formatting (pure functions): SMS plain text and splitting, Telegram HTML, buttons."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering.render import choice_payload
from bot.channels.markup import (TELEGRAM_CALLBACK_MAX_BYTES, choice_from_reply, comparable, numbered_choices,
                                     payload_from_callback, split_message, telegram_callback_data, to_plain,
                                     to_telegram_html)
from bot.knowledge import load_knowledge

ANSWER = """Pour la **Métropole (MEL)**, voir :
- le site <https://www.actionlogement.fr/> ;
- [la fiche Visale](https://www.service-public.fr/particuliers/vosdroits/F33453?a=1&b=2) ;
- au **0970 800 800**.

Source : FAQ <https://www.visale.fr/> (vérifié le 01/11/2026)"""
INJECTION = '<img src=x onerror=alert(1)> et <script>alert("x")</script>'


def test_sms_text_has_no_markdown_and_links_written_out():
    text = to_plain(ANSWER)
    assert "**" not in text and "<https" not in text and "](" not in text
    assert "https://www.actionlogement.fr/" in text
    assert "la fiche Visale (https://www.service-public.fr/particuliers/vosdroits/F33453?a=1&b=2)" in text
    assert "- au 0970 800 800." in text
    assert text.splitlines()[0] == "Pour la Métropole (MEL), voir :"


def test_italic_and_unpaired_marks():
    assert to_plain("l'ancienne *garantie* Loca-Pass, 2*3*4 = 24, un ** seul") == \
        "l'ancienne garantie Loca-Pass, 2*3*4 = 24, un ** seul"
    assert to_telegram_html("l'ancienne *garantie*") == "l'ancienne <i>garantie</i>"


def test_telegram_html_escapes_everything_but_its_own_tags():
    html = to_telegram_html(ANSWER + "\n\n" + INJECTION)
    assert "<b>Métropole (MEL)</b>" in html
    assert '<a href="https://www.actionlogement.fr/">https://www.actionlogement.fr/</a>' in html
    assert '<a href="https://www.service-public.fr/particuliers/vosdroits/F33453?a=1&amp;b=2">la fiche Visale</a>' in html
    assert "• le site" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;" in html
    tags = set(re.findall(r"</?([a-z]+)", html))
    assert tags <= {"b", "i", "a"}


def test_link_with_a_quote_cannot_break_out_of_href():
    html = to_telegram_html('[x](https://a.fr/"onmouseover="alert(1))')
    assert 'href="https://a.fr/&quot;onmouseover=&quot;alert(1"' in html


def test_short_text_is_one_message_without_marker():
    assert split_message("Bonjour.", 160) == ["Bonjour."]


def test_long_text_is_split_on_paragraphs_then_sentences_with_ordered_markers():
    paragraphs = ["Première phrase du paragraphe %d. Deuxième phrase, un peu plus longue, du paragraphe %d." % (i, i)
                  for i in range(6)]
    parts = split_message("\n\n".join(paragraphs), 160)
    assert len(parts) > 1
    assert all(len(part) <= 160 for part in parts)
    assert [p.split(" ", 1)[0] for p in parts] == [f"({i}/{len(parts)})" for i in range(1, len(parts) + 1)]
    for part in parts:  # never cut inside a sentence when sentences fit
        body = part.split(" ", 1)[1]
        assert body.endswith("."), part
    assert comparable("\n".join(parts)) == comparable("\n\n".join(paragraphs))


def test_sentence_longer_than_a_message_is_cut_on_clauses_then_words():
    source = ("Source : AL'in, la plateforme d'Action Logement ; Action Logement, FAQ aide Mobili-Jeune "
              "https://www.actionlogement.fr/faq/aide-mobili-jeune ; Service-Public.fr, Mobili-Jeune "
              "https://www.service-public.fr/particuliers/actualites/A17434 (vérifié le 23/11/2026)")
    parts = split_message(source, 120)
    assert all(len(p) <= 120 for p in parts)
    assert parts[0].endswith(";")
    assert "(vérifié le 23/11/2026)" in parts[-1]
    assert comparable("\n".join(parts)) == comparable(source)


def test_a_link_longer_than_the_limit_is_hard_cut_but_nothing_is_lost():
    url = "https://example.org/" + "a" * 300
    parts = split_message(f"Voir {url} merci", 100)
    assert all(len(p) <= 100 for p in parts)
    assert "".join(p.split(" ", 1)[1] for p in parts).replace(" ", "") == f"Voir{url}merci"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abcdé ,;.!?\n")), min_size=0, max_size=400), max_size=6),
       st.integers(min_value=70, max_value=400))
def test_split_respects_the_limit_and_keeps_every_word(paragraphs, limit):
    text = "\n\n".join(paragraphs)
    parts = split_message(text, limit)
    assert all(len(part) <= limit for part in parts)
    unmarked = [re.sub(r"^\(\d+/\d+\) ", "", part) for part in parts]
    assert "".join("".join(unmarked).split()) == "".join(text.split())


def test_every_knowledge_answer_fits_in_sms_parts():
    base = load_knowledge("knowledge")
    for entry_id in base.entries:
        for audience in ("tous", "professionnels"):
            text = to_plain(base.answer_text(entry_id, audience) or "")
            parts = split_message(text, 320)
            assert all(len(p) <= 320 for p in parts), entry_id
            assert comparable("\n".join(parts)) == comparable(text), entry_id


BUTTONS = [{"title": "Visale : **la demande**", "payload": choice_payload("visale_demande")},
           {"title": "Autre chose", "payload": choice_payload("_aucune")}]


def test_numbered_choices_and_replies():
    text = numbered_choices(BUTTONS, "Répondez par le numéro :")
    assert text == "Répondez par le numéro :\n1. Visale : la demande\n2. Autre chose"
    for reply in ("1", " 1 ", "1.", "1)", "n°1", "choix 1"):
        assert choice_from_reply(reply, BUTTONS) == BUTTONS[0]["payload"], reply
    assert choice_from_reply("2", BUTTONS) == BUTTONS[1]["payload"]
    for reply in ("3", "0", "12", "1 visale", "visale", ""):
        assert choice_from_reply(reply, BUTTONS) is None, reply
    assert choice_from_reply("1", []) is None


def test_telegram_callback_data_fits_and_resolves_back():
    base = load_knowledge("knowledge")
    payloads = [choice_payload(entry_id) for entry_id in base.entries] + [choice_payload("x" * 61)]
    buttons = [{"title": "t", "payload": p} for p in payloads]
    for payload in payloads:
        data = telegram_callback_data(payload)
        assert len(data.encode("utf-8")) <= TELEGRAM_CALLBACK_MAX_BYTES
        assert payload_from_callback(data, buttons) == payload
    long_payload = choice_payload("x" * 61)
    assert telegram_callback_data(long_payload).startswith("#")
    assert payload_from_callback(telegram_callback_data(long_payload), buttons[:1]) is None


def test_comparable_is_the_same_for_every_channel_rendering():
    expected = comparable(ANSWER)
    assert comparable(to_plain(ANSWER)) == expected
    assert comparable(to_telegram_html(ANSWER)) == expected
    parts = split_message(to_plain(ANSWER), 100)
    assert comparable("\n".join(parts)) == expected
    assert json.dumps(expected)  # plain str
