"""Training files of the compared systems, built from the same examples (tools/bench/data.py)."""

import yaml

from tools.bench.data import Example, folds, project_nlu, retrieval_domain, retrieval_nlu, sample

EXAMPLES = [Example(f"question {i} sur visale", "faq", "visale_couple") for i in range(4)] + [
    Example(f"bonjour {i}", "chitchat", "bonjour") for i in range(4)] + [
    Example(f"au secours {i}", "detresse", "violences") for i in range(4)]


def blocks(text):
    return {b["intent"]: b for b in yaml.safe_load(text)["nlu"]}


def test_project_format_names_the_entry_in_metadata():
    data = yaml.safe_load(project_nlu(EXAMPLES))["nlu"]
    faq = next(b for b in data if b["intent"] == "faq")
    assert faq["metadata"] == {"answer": "visale_couple"}
    assert faq["examples"].splitlines()[0] == "- question 0 sur visale"
    assert any(b["intent"] == "detresse" and b["metadata"] == {"answer": "violences"} for b in data)


def test_retrieval_format_for_rasa_response_selector():
    data = blocks(retrieval_nlu(EXAMPLES))
    assert set(data) == {"faq/visale_couple", "chitchat/bonjour", "detresse"}  # detresse stays a plain intent
    domain = yaml.safe_load(retrieval_domain(EXAMPLES))
    assert domain["intents"] == ["chitchat", "detresse", "faq"]
    assert domain["responses"]["utter_faq/visale_couple"] == [{"text": "faq/visale_couple"}]


def test_labels_and_sampling():
    assert EXAMPLES[0].label == "faq/visale_couple" and EXAMPLES[-1].label == "detresse"
    kept = sample(EXAMPLES, 2)
    assert len(kept) == 6 and EXAMPLES[0] in kept and EXAMPLES[4] in kept  # first phrasing always kept
    assert sample(EXAMPLES, None) == EXAMPLES


def test_folds_cover_everything_once_and_are_stratified():
    split = folds(EXAMPLES, 2, seed=0)
    tested = sorted(i for _, test in split for i in test)
    assert tested == list(range(len(EXAMPLES)))
    for _, test in split:
        assert sorted(EXAMPLES[i].key for i in test).count("faq/visale_couple") == 2
