"""The Rasa server's lighter model loading (bot/rasa_components/model_loading.py) changes nothing of what
the model reads: the parse of every held-out message is the same with Rasa's own loading and with ours."""

import json
import subprocess
import sys
import textwrap

import pytest

from bot.cli.serve import DEFAULT_MODEL, PROJECT_ROOT

pytestmark = pytest.mark.nlu

PARSE = textwrap.dedent("""
    import asyncio, json, sys
    from pathlib import Path
    if sys.argv[1] == "project":
        from bot.rasa_components import install
        install()
    from rasa.core.agent import load_agent
    from bot.evaluation.dataset import read_examples

    async def main():
        agent = await load_agent(model_path=sys.argv[2])
        texts = [text for text, _ in read_examples(Path("tests/nlu/heldout.yml"))]
        parses = [await agent.parse_message(text) for text in texts]
        from rasa.nlu.utils.spacy_utils import SpacyNLP
        spacy_nodes = [node for node in agent.processor.graph_runner._instantiated_nodes.values()
                       if isinstance(getattr(node, "_component", None), SpacyNLP)] \\
            if hasattr(agent.processor.graph_runner, "_instantiated_nodes") else []
        languages = {id(node._component._model.model) for node in spacy_nodes}
        pipes = sorted({name for node in spacy_nodes for name in node._component._model.model.component_names})
        print(json.dumps({"parses": parses, "spacy_models": len(languages), "pipes": pipes}, sort_keys=True, default=str))

    asyncio.run(main())
""")


def parse_heldout(loading: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PARSE, loading, str(DEFAULT_MODEL)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.timeout(900)
def test_lighter_loading_parses_every_heldout_message_the_same():
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run the tests with `make test` (it trains first).")
    rasa_own, project = parse_heldout("rasa"), parse_heldout("project")
    assert len(project["parses"]) == len(rasa_own["parses"]) > 400
    different = [(a["text"], a, b) for a, b in zip(rasa_own["parses"], project["parses"]) if a != b]
    assert not different, different[:3]
    assert "ner" in rasa_own["pipes"] and not {"ner", "parser", "senter"} & set(project["pipes"])
    assert project["spacy_models"] == 1 < rasa_own["spacy_models"]
