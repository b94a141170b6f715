"""The person's situation, shared by the whole conversation: facts with their subject and origin.

- `vocabulary`: the facts the bot can know (the annotation guide tests/eligibility/ANNOTATION.md);
- `model`: a `Situation` and how new facts merge into it;
- `reader`: the facts a free-text message states, clause by clause (subjects, negations, numbers);
- `lexicon`: the words the reader uses (knowledge/situation.yml, editor-owned);
- `geography`: communes and the Visale zone of a dwelling (knowledge/donnees/communes.csv).

No Rasa import here: the actions adapt it.
"""
