"""Redaction of stored text (bot/persistence/redaction.py): examples and properties."""

import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.persistence.config import stored_sender_id
from bot.persistence.redaction import (EMAIL, IBAN, MARKERS, NIR, NUMBER, PHONE, UNIQUE_NUMBER, redact,
                                       redact_event)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("text, secret, marker", [
    ("mon mail est jean.dupont@gmail.com merci", "jean.dupont@gmail.com", EMAIL),
    ("écrivez à marie-claire+caf@orange.fr.", "marie-claire+caf@orange.fr", EMAIL),
    ("jean arobase orange point fr", "orange", EMAIL),
    ("appelez-moi au 06 12 34 56 78 svp", "06 12 34 56 78", PHONE),
    ("06.12.34.56.78", "06.12.34.56.78", PHONE),
    ("0612345678", "0612345678", PHONE),
    ("07-12-34-56-78", "07-12-34-56-78", PHONE),
    ("+33 6 12 34 56 78", "6 12 34 56 78", PHONE),
    ("+33612345678", "612345678", PHONE),
    ("+33 (0)6 12 34 56 78", "12 34 56 78", PHONE),
    ("0033 1 42 00 00 00", "42 00 00 00", PHONE),
    ("mon fixe 01 42 00 00 00", "01 42 00 00 00", PHONE),
    ("un numéro belge +32 470 12 34 56", "470 12 34 56", PHONE),
    ("IBAN FR76 3000 6000 0112 3456 7890 189", "3000 6000 0112", IBAN),
    ("rib fr7630006000011234567890189 merci", "30006000011234567890189", IBAN),
    ("DE89 3704 0044 0532 0130 00", "3704 0044", IBAN),
    ("sécu 1 85 05 78 006 084 36", "85 05 78 006", NIR),
    ("185057800608436", "185057800608436", NIR),
    ("2 90 05 2A 123 456 78", "2A 123 456", NIR),
    ("numéro de sécu 2900575123456", "2900575123456", NIR),
    ("mon NUD est 0751912345678A", "0751912345678A", UNIQUE_NUMBER),
    ("numéro unique : 059 11 23 00123 4", "00123", UNIQUE_NUMBER),
    ("NUR 0931234567890 depuis mars", "0931234567890", UNIQUE_NUMBER),
    ("n° unique 07511P12345678", "07511P12345678", UNIQUE_NUMBER),
    ("numéro de demande 12345678901", "12345678901", UNIQUE_NUMBER),
    ("dossier AB12345678CD", "AB12345678CD", NUMBER),
    ("allocataire 123456789012", "123456789012", NUMBER),
])
def test_identifiers_are_replaced(text, secret, marker):
    stored = redact(text)
    assert secret not in stored
    assert marker in stored


@pytest.mark.parametrize("text", [
    "suis-je éligible à visale ? on est deux, j'ai 24 ans, on gagne 3000 et 1200",
    "loyer 1 300 € charges comprises",
    "650",
    "1 850,50 euros net par mois",
    "né le 12/05/1990, en CDI depuis 18 mois",
    "le 115 et le 3114 sont gratuits",
    "ma boite a 8 salariés, alin c'est possible ?",
    "12 rue de la Paix 75002 Paris",
    "mobili-pass pour un nouveau poste à 150 km, 1h30 de trajet",
    "c'est quoi le NUD ?",
    "mon numéro unique, je l'ai perdu",
    "/faq{\"answer_id\": \"alin_nud\"}",
    "/feedback{\"note\": \"-\", \"cible\": \"visale_couple\", \"raison\": \"incomplete\", \"ref\": 42}",
    '/feedback{"note":"-","cible":"eligibilite:mobili_jeune","raison":"pas_claire","ref":123456}',
])
def test_ordinary_answers_and_payloads_are_kept(text):
    assert redact(text) == text


def test_empty_values():
    assert redact(None) is None and redact("") == ""


def test_user_event_is_redacted_but_not_its_intent_or_bot_messages():
    event = {
        "event": "user", "text": "mon numéro 06 12 34 56 78",
        "parse_data": {"text": "mon numéro 06 12 34 56 78", "intent": {"name": "faq", "confidence": 0.9},
                       "entities": [{"entity": "reponse", "value": "x@y.fr", "text": "x@y.fr"}]},
        "metadata": {"from": "+33612345678"}, "input_channel": "rest",
    }
    stored = redact_event(event)
    assert "06 12" not in str(stored) and "x@y.fr" not in str(stored) and "+336" not in str(stored)
    assert stored["parse_data"]["intent"] == event["parse_data"]["intent"]
    assert event["text"] == "mon numéro 06 12 34 56 78"  # the original is untouched
    bot = {"event": "bot", "text": "Appelez le 01 40 00 00 00 (service public)"}
    assert redact_event(bot) == bot
    slot = {"event": "slot", "name": "x", "value": "jean@x.fr"}
    assert redact_event(slot)["value"] == EMAIL


def test_channel_sender_ids_are_pseudonymised_consistently():
    phone = stored_sender_id("twilio:+33612345678", b"key")
    assert "3361" not in phone and phone.startswith("p:twilio:")
    assert phone == stored_sender_id("twilio:+33612345678", b"key")
    assert phone != stored_sender_id("twilio:+33612345678", b"other key")
    assert stored_sender_id("staff:agent@ccas.fr:c1", b"k") != stored_sender_id("staff:bob@ccas.fr:c1", b"k")
    for random_id in ("test-0123abcd", "c9f1e2d3-4b5a-6978-8a9b-0c1d2e3f4a5b", "+33612345678"):
        stored = stored_sender_id(random_id, b"k")  # REST ids too (issue 15): never a client's choice
        assert stored.startswith("p:rest:") and random_id not in stored
    assert "@" not in stored_sender_id("jean@x.fr", b"k")  # a REST client using an e-mail as id
    assert stored_sender_id(phone, b"k") != phone  # a stored id sent as a sender id is another conversation


# --- properties -------------------------------------------------------------------------------

WORDS = st.lists(st.sampled_from(
    ["bonjour", "visale", "loyer", "mon", "numéro", "est", "le", "et", "merci", "pour", "un", "couple", "?", ",",
     "j'ai", "24", "ans", "1300", "€", "Action", "Logement", "CDI", "demain", "rue"]), max_size=8).map(" ".join)
LOCAL = st.text(string.ascii_lowercase + string.digits + "._-", min_size=1, max_size=12).filter(
    lambda s: s[0].isalnum() and s[-1].isalnum())
DOMAIN = st.text(string.ascii_lowercase, min_size=2, max_size=10)
TLD = st.sampled_from(["fr", "com", "org", "net", "eu", "gouv.fr"])
EMAILS = st.builds(lambda l, d, t: f"{l}@{d}.{t}", LOCAL, DOMAIN, TLD)
SEPARATORS = st.sampled_from([" ", ".", "-", ""])
DIGIT_PAIRS = st.lists(st.integers(0, 99).map(lambda n: f"{n:02d}"), min_size=4, max_size=4)


@st.composite
def french_phones(draw):
    first = draw(st.integers(1, 9))
    separator = draw(SEPARATORS)
    rest = separator.join(draw(DIGIT_PAIRS))
    prefix = draw(st.sampled_from(["0", "+33 ", "+33", "0033 ", "+33 (0)"]))
    return f"{prefix}{first}{separator}{rest}"


def _iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


@st.composite
def ibans(draw):
    country = draw(st.sampled_from(["FR", "DE", "ES", "IT", "BE"]))
    bban = draw(st.text("0123456789", min_size=14, max_size=23))
    iban = country + _iban_check(country, bban) + bban
    if draw(st.booleans()):
        iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


@st.composite
def nirs(draw):
    digits = (str(draw(st.sampled_from([1, 2]))) + f"{draw(st.integers(0, 99)):02d}"
              + f"{draw(st.integers(1, 12)):02d}" + f"{draw(st.integers(1, 95)):02d}"
              + f"{draw(st.integers(1, 999)):03d}" + f"{draw(st.integers(1, 999)):03d}")
    key = f"{97 - int(digits) % 97:02d}"
    if draw(st.booleans()):
        return f"{digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:10]} {digits[10:13]} {key}"
    return digits + key


@st.composite
def unique_numbers(draw):
    keyword = draw(st.sampled_from(["NUD", "NUR", "numéro unique", "n° unique", "mon numéro unique est"]))
    department = draw(st.sampled_from(["075", "059", "093", "02A", "974"]))
    body = draw(st.text("0123456789", min_size=10, max_size=12))
    suffix = draw(st.sampled_from(["", "A", "B"]))
    return keyword, f"{department}{body}{suffix}"


@PROPERTY
@given(WORDS, EMAILS, WORDS)
def test_any_email_in_a_sentence_is_removed(before, email, after):
    stored = redact(f"{before} {email} {after}")
    assert email not in stored and EMAIL in stored


@PROPERTY
@given(WORDS, french_phones(), WORDS)
def test_any_french_phone_number_is_removed(before, phone, after):
    stored = redact(f"{before} {phone} {after}")
    digits = "".join(c for c in phone if c.isdigit())[-9:]
    assert digits not in "".join(c for c in stored if c.isdigit())
    assert PHONE in stored


@PROPERTY
@given(WORDS, ibans(), WORDS)
def test_any_iban_is_removed(before, iban, after):
    stored = redact(f"{before} {iban} {after}")
    assert iban not in stored and iban.replace(" ", "")[4:12] not in stored.replace(" ", "")


@PROPERTY
@given(WORDS, nirs(), WORDS)
def test_any_social_security_number_is_removed(before, nir, after):
    stored = redact(f"{before} {nir} {after}")
    assert nir.replace(" ", "")[1:11] not in stored.replace(" ", "")
    assert NIR in stored


@PROPERTY
@given(WORDS, unique_numbers())
def test_any_unique_number_after_its_name_is_removed(before, keyword_and_number):
    keyword, number = keyword_and_number
    stored = redact(f"{before} {keyword} {number}")
    assert number not in stored and number[3:] not in stored


@PROPERTY
@given(st.text(max_size=200))
def test_redaction_is_idempotent_and_never_grows_identifiers(text):
    once = redact(text)
    assert redact(once) == once


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@"), max_size=200))
def test_text_without_digits_or_at_sign_is_kept(text):
    assume(" arobase " not in text.lower() and "(at)" not in text.lower() and "[at]" not in text.lower())
    assert redact(text) == text


@PROPERTY
@given(st.integers(0, 120), st.integers(0, 99_999), st.integers(0, 99_999))
def test_ages_and_amounts_are_kept(age, first, second):
    text = f"j'ai {age} ans, on gagne {first} et {second:,} €".replace(",", " ")
    assert redact(text) == text
    assert all(marker not in redact(text) for marker in MARKERS)
