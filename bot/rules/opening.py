"""The first criterion of an aid that opens or closes over time: is it distributed on that date?

Its parameter is a dated true/false (e.g. Mobili-Pass: true until 30 June 2023, false from
1 July 2023). Under `Requires`, a closed aid is refused without asking anything else.
"""

from bot.rules.logic import Check, Context, Criterion, result

KEY = "aide_ouverte"


def aid_open(parameter: str) -> Criterion:
    def test(context: Context) -> Check:
        state = context.parameter(parameter)
        return result(state.value, state.value, depuis=state.since)
    return Criterion(KEY, test, facts=(), parameters=(parameter,), rule_placeholders=frozenset({"depuis"}))
