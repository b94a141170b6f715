"""SMS wording (pure functions): segments, GSM-7 characters, one short source link, the 3-segment budget."""

import pytest

from bot.answering.audience import EVERYONE
from bot.answering.render import SMS_KEY, render_entry
from bot.channels.sms import (SMS_BUDGET_SEGMENTS, compact_sources, fit, is_gsm, segments, to_gsm, turn_text)
from bot.evaluation.sms_budget import measure
from bot.knowledge import load_knowledge

SOURCE = ("Source : Visale — logements concernés <https://www.visale.fr/faq/pour-quels-logements-les-degradations/> ; "
          "Service-public.fr — Garantie Visale <https://www.service-public.fr/particuliers/vosdroits/F33453> "
          "(vérifié le 23/11/2026)")


@pytest.mark.parametrize("text, expected", [
    ("", 0), ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("€" * 80, 1), ("€" * 81, 2),  # the extension table: two septets each
    ("ô" * 70, 1), ("ô" * 71, 2), ("ô" * 134, 2), ("ô" * 135, 3),  # UCS-2
])
def test_segments_as_handsets_count_them(text, expected):
    assert segments(text) == expected


def test_typographic_characters_become_gsm_and_keep_their_meaning():
    text = "« Visale » — l'hôpital, c’est sûr… œuvre 👍 Oui n° 3 à 1 200 € : élève"
    assert to_gsm(text) == "\"Visale\" - l'hopital, c'est sur... oeuvre Oui no 3 à 1 200 € : élève"
    assert is_gsm(to_gsm(text)) and not is_gsm(text)
    assert to_gsm("Привет") == "Привет"  # no equivalent: kept (the message is then UCS-2)


def test_the_source_paragraph_becomes_one_short_link_with_its_date():
    text = f"Réponse.\n\n{SOURCE}"
    assert compact_sources(text, "Source") == "Réponse.\n\nSource : www.visale.fr (vérifié le 23/11/2026)"
    no_url = "Réponse.\n\nSource : Article « AL'in : la plateforme » ; autre (vérifié le 23/11/2026)"
    assert compact_sources(no_url, "Source") == "Réponse.\n\nSource : Article AL'in (vérifié le 23/11/2026)"
    assert compact_sources("Pas de source.", "Source") == "Pas de source."


def test_a_long_answer_is_cut_after_whole_lines_with_the_link_to_the_rest():
    lines = [f"Ligne {i} : une phrase assez longue pour remplir un message, avec ses mots." for i in range(12)]
    text = "\n".join(lines) + "\n\nSource : www.visale.fr (vérifié le 23/11/2026)"
    cut = fit(text, "Source", "Suite et source : {lien}")
    assert segments(cut) <= SMS_BUDGET_SEGMENTS
    kept = cut.split("\n")
    assert kept[-1] == "Suite et source : www.visale.fr (vérifié le 23/11/2026)"
    assert kept[:-1] == lines[:len(kept) - 1] and len(kept) - 1 >= 4
    assert fit("\n".join(lines), "Source") == "\n".join(lines)  # no source (a distress reply): sent whole


def test_a_turn_is_one_text_with_only_its_last_buttons_numbered():
    messages = [{"text": "Réponse **courte**.\n\n" + SOURCE, "buttons": [{"title": "Autre", "payload": "/a"}]},
                {"text": "Une question ?", "buttons": [{"title": "👍 Oui", "payload": "/o"},
                                                      {"title": "👎 Non", "payload": "/n"}]}]
    assert turn_text(messages, sms=True, choices_intro="Répondez par le numéro :") == (
        "Réponse courte.\n\nSource : www.visale.fr (vérifié le 23/11/2026)\n\n"
        "Une question ?\n\nRépondez par le numéro :\n1. Oui\n2. Non")
    whatsapp = turn_text(messages, sms=False, choices_intro="Répondez par le numéro :")
    assert "Visale — logements concernés https://www.visale.fr/faq/" in whatsapp and "1. 👍 Oui" in whatsapp


def test_the_short_sms_text_of_an_entry_replaces_its_answer():
    messages = [{"text": "Très longue réponse.\n\n" + SOURCE, SMS_KEY: "Courte.\n\n" + SOURCE}]
    assert turn_text(messages, sms=True) == "Courte.\n\nSource : www.visale.fr (vérifié le 23/11/2026)"


def test_every_entry_fits_the_sms_budget():
    """Issue 17: 90 % of the answers in at most 3 segments, none over 6 (all entries fit today)."""
    base = load_knowledge("knowledge")
    texts = {}
    for entry_id, entry in base.entries.items():
        reply = render_entry(entry, base, EVERYONE)
        texts[entry_id] = turn_text([{"text": reply.text, "buttons": reply.buttons, SMS_KEY: reply.sms}], sms=True,
                                    source_label=base.messages.source, choices_intro=base.messages.numbered_choices,
                                    more=base.messages.sms_more)
    budget = measure("entries", texts)
    assert budget.met and budget.ucs2 == [], (budget.counts, budget.ucs2)
    assert budget.percentile(0.9) <= SMS_BUDGET_SEGMENTS
