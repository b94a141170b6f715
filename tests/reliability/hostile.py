"""Hostile inputs for the fuzz tests (hypothesis strategies) and how many cases a run tries.

`FUZZ_SCALE` (environment, default 1) multiplies every test's number of examples: `make test` runs
the bounded version, `make fuzz` sets FUZZ_SCALE=10.
"""

import json
import os
from typing import Any, Dict

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ_SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz_settings(examples: int) -> settings:
    """`examples` per run (times FUZZ_SCALE), no deadline (a live server's latency varies)."""
    return settings(max_examples=examples * FUZZ_SCALE, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


QUESTIONS = [
    "visale pour un couple ?", "c'est quoi AL'in ?", "mobili jeune pour un apprenti", "loca pass dépôt de garantie",
    "bonjour", "merci", "suis-je éligible à visale ?", "j'ai 24 ans", "annuler",
]
HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>gras</b> <i>", "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">clic</a>", "</textarea><svg onload=alert(1)>", "&lt;&amp;&#x3c;", "<!--",
    "<iframe src=//evil.example>", "{{constructor.constructor('alert(1)')()}}", "<style>*{display:none}</style>",
]
SQL = [
    "' OR '1'='1", "'; DROP TABLE events; --", "1; SELECT * FROM events", "\" OR 1=1 --", "admin'--",
    "' UNION SELECT sender_id, data FROM events --", "%' AND 1=0 UNION ALL SELECT NULL --", "\\'; SHUTDOWN; --",
]
TEMPLATES = ["{max}", "{valeur}", "{0}", "{__class__}", "%s%s%s%n", "${jndi:ldap://x/a}", "{{7*7}}", "$(reboot)",
             "`id`", "../../etc/passwd", "\\x00", "\\u0000", "%00", "null", "undefined", "NaN", "None", "[]", "{}"]
# "/intent{…}" payloads: what the bot's buttons send, forged, malformed, or Rasa's built-in intents.
PAYLOADS = [
    "/restart", "/session_start", "/back", "/out_of_scope", "/nlu_fallback", "/Restart@0.9", "/", "//", "/ ",
    "/faq", "/faq{", "/faq{\"answer_id\": 5}", "/faq{\"answer_id\": [\"a\"]}", "/faq{\"answer_id\": \"nexiste_pas\"}",
    "/faq@2", "/faq@-1", "/faq{\"answer_id\": \"visale_couple\"}@0.01", "/chitchat", "/hors_sujet", "/detresse",
    "/eligibilite", "/eligibilite{\"aide\": \"nope\"}", "/informer", "/informer{\"reponse\": \"age:\\\"x\\\"\"}",
    "/informer{\"reponse\": \"age:999999999999\"}", "/annuler", "/pourquoi", "/recommencer", "/inconnu{\"a\": 1}",
    "/faq{\"answer_id\": \"" + "a" * 500 + "\"}", "/faq{" + "\"a\":{" * 50 + "}" * 50 + "}",
]
EMOJI = ["😀", "🏠", "🔥", "💶", "👍", "👎", "🙏", "😡", "🤔", "✅", "❌", "⚠️", "🆘", "🔑", "🇫🇷",
         "👨\u200d👩\u200d👧\u200d👦", "🧑🏽\u200d💻", "❤️\u200d🔥", "\U0001F3F3\uFE0F\u200D\U0001F308"]
WHITESPACE = " \t\n\r\u00a0\u1680\u2000\u2003\u2028\u2029\u202f\u205f\u3000\u200b\u200d\ufeff\x0b\x0c"
CONTROL = [chr(c) for c in range(0, 32)] + [chr(c) for c in range(127, 160)] + list("\u202e\u202d\u2066\u2069\u200e")

any_char = st.characters(codec=None, exclude_categories=())  # surrogates and controls included
sized = st.sampled_from([2001, 4097, 10_000, 100_000])


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


hostile_text = st.one_of(
    st.text(any_char, max_size=200),
    st.text(st.sampled_from(list(WHITESPACE)), max_size=40),
    st.text(st.sampled_from(CONTROL), min_size=1, max_size=20),
    st.builds(lambda q, c, i: q[:i] + c + q[i:], st.sampled_from(QUESTIONS), st.text(st.sampled_from(CONTROL),
                                                                                        min_size=1, max_size=5),
              st.integers(0, 20)),
    st.builds(_repeat, st.sampled_from(["a", "é", "😀", "visale ", "<b>", "\x00", "\ud800", " "]), sized),
    st.lists(st.sampled_from(EMOJI), min_size=1, max_size=30).map("".join),
    st.sampled_from(HTML + SQL + TEMPLATES + PAYLOADS),
    st.builds(lambda q, junk: f"{q} {junk}", st.sampled_from(QUESTIONS), st.sampled_from(HTML + SQL + TEMPLATES)),
)

hostile_sender = st.one_of(
    st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    st.text(any_char, max_size=50), st.just(""), st.builds(_repeat, st.just("s"), st.sampled_from([129, 10_000, 100_000])),
    st.sampled_from(["staff:agent@ccas.fr:c1", "TELEGRAM:42", "twilio:+33612345678", "default", "a b", "a\nb",
                     "a\x00b", "p\ud800", "../x", "' OR 1=1 --", "<script>", "😀"]),
)

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(any_char, max_size=20))
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
unknown_fields = st.dictionaries(
    st.sampled_from(["input_channel", "metadata", "audience", "stream", "token", "__proto__", "constructor", "x" * 300,
                     "sender_id", "text", "parse_data", "message_id"]) | st.text(max_size=10),
    json_value, max_size=4)

raw_bodies = st.one_of(
    st.binary(max_size=300),  # invalid UTF-8 included
    st.sampled_from([b"", b"{", b"[]", b"null", b"42", b"\"texte\"", b"{\"sender\": \"a\", \"message\": \"b\"",
                     b"{\"sender\": \"a\", \"message\": \"\xff\xfe\"}", b"\xef\xbb\xbf{\"sender\": \"a\"}",
                     b"{\"sender\": \"a\", \"message\": \"\\ud800\"}", b"{\"a\":" * 2000 + b"1" + b"}" * 2000,
                     b"{\"sender\": \"a\", \"sender\": \"b\", \"message\": \"c\"}", b"sender=a&message=b"]),
)


def dump(value: Any) -> bytes:
    """JSON as a client may send it: lone surrogates kept as escapes (json.dumps' default)."""
    return json.dumps(value).encode("ascii")


def message_body(sender: Any, message: Any, extra: Dict[str, Any]) -> Dict[str, Any]:
    body = dict(extra)
    body["sender"] = sender
    body["message"] = message
    return body
