"""The three systems compared on the same data: the project's pipeline, Rasa's default pipeline without
spaCy, and a TF-IDF + logistic regression baseline. Each trains on `Example`s and returns parses shaped
like Rasa's (intent + response_selector ranking), so the same `decide()` turns them into what a user gets.
"""

import asyncio
import gc
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.answering.answer_choice import FALLBACK_INTENT, RETRIEVAL_INTENTS, decide, selector_ranking
from tools.bench.data import Example, family, project_nlu, retrieval_domain, retrieval_nlu
from bot.evaluation.dataset import read_examples

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_PIPELINE = """\
# Rasa 3.6's default pipeline for a language without spaCy (`rasa init`), epochs set by the benchmark.
recipe: default.v1
language: fr
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: {diet_epochs}
    constrain_similarities: true
    random_seed: 42
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: {selector_epochs}
    constrain_similarities: true
    random_seed: 42
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
"""


def top_label(parse: dict) -> str:
    """The system's first choice before any threshold: the selector's best entry for a retrieval
    intent (or a fallback, as docs/quality.md's top-1), else the intent itself."""
    intent = ((parse or {}).get("intent") or {}).get("name") or FALLBACK_INTENT
    if intent in RETRIEVAL_INTENTS or intent == FALLBACK_INTENT:
        ranking = selector_ranking(parse)
        if ranking:
            return f"{ranking[0][0]}/{ranking[0][1]}"
    return intent


def decision_label(parse: dict, thresholds, entry_intents: Dict[str, str]) -> str:
    """What the user gets: `faq/<id>` answered, `clarify`, `fallback`, or another intent's own action."""
    intent = ((parse or {}).get("intent") or {}).get("name") or FALLBACK_INTENT
    if intent not in RETRIEVAL_INTENTS and intent != FALLBACK_INTENT:
        return intent  # e.g. detresse: answered by its own rule, not by decide()
    decision = decide(parse, thresholds, entry_intents.keys())
    if decision.kind == "answer":
        return f"{entry_intents[decision.entry_id]}/{decision.entry_id}"
    return decision.kind


class Predictor:
    def parse(self, texts: Sequence[str]) -> List[dict]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class RasaPredictor(Predictor):
    """A trained Rasa model loaded in this process (rasa.core.agent.Agent)."""

    def __init__(self, model: Path):
        from rasa.core.agent import Agent  # heavy import, only when a Rasa system is used

        self.loop = asyncio.new_event_loop()
        self.agent = Agent.load(str(model))

    def parse(self, texts: Sequence[str]) -> List[dict]:
        async def run():
            return [await self.agent.parse_message(text) for text in texts]

        return self.loop.run_until_complete(run())

    def close(self) -> None:
        self.agent = None
        self.loop.close()
        gc.collect()


def _copy_extras(extras: Sequence[Path], folder: Path) -> None:
    for index, path in enumerate(extras):
        shutil.copy(path, folder / f"extra_{index}_{path.name}")


def _train_nlu(config: Path, nlu_dir: Path, out: Path, domain: Optional[Path] = None) -> Path:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.model_training import train_nlu

    model = train_nlu(str(config), str(nlu_dir), str(out), fixed_model_name="nlu",
                      domain=str(domain) if domain else None)
    if not model:
        raise RuntimeError(f"rasa train nlu failed for {config}")
    return Path(model)


def with_epochs(config_text: str, epochs: Optional[int]) -> str:
    """The config with every `epochs` of the pipeline and policies set to `epochs` (smoke runs only)."""
    if not epochs:
        return config_text
    config = yaml.safe_load(config_text)
    for section in ("pipeline", "policies"):
        for component in config.get(section) or []:
            if component.get("name") in ("DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy") \
                    or "epochs" in component:
                component["epochs"] = epochs
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


class System:
    name = ""
    title = ""
    description = ""

    def train(self, examples: Sequence[Example], workdir: Path) -> Tuple[Predictor, float]:
        raise NotImplementedError


class ProjectPipeline(System):
    name = "project"
    title = "Project pipeline (config.yml)"
    description = ("LexiconNormalizer, spaCy fr_core_news_md, CountVectors, DIET (intents), "
                   "LinearResponseSelector (entry), FallbackClassifier, DistressGuard")

    def __init__(self, config: Path, extras: Sequence[Path] = (), epochs: Optional[int] = None):
        self.config_text = with_epochs(Path(config).read_text(encoding="utf-8"), epochs)
        self.extras = list(extras)

    def train(self, examples, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "config.yml").write_text(self.config_text, encoding="utf-8")
        nlu = workdir / "nlu"
        nlu.mkdir(exist_ok=True)
        (nlu / "generated_knowledge.yml").write_text(project_nlu(examples), encoding="utf-8")
        _copy_extras(self.extras, nlu)
        start = time.perf_counter()
        model = _train_nlu(workdir / "config.yml", nlu, workdir / "model")
        return RasaPredictor(model), time.perf_counter() - start


class RasaDefaultPipeline(System):
    name = "rasa_default"
    title = "Rasa default pipeline (no spaCy)"
    description = ("WhitespaceTokenizer, RegexFeaturizer, LexicalSyntacticFeaturizer, CountVectors word + char_wb 1-4, "
                   "DIET, ResponseSelector on `faq/<id>` retrieval intents, FallbackClassifier 0.3")

    def __init__(self, diet_epochs: int, selector_epochs: int, extras: Sequence[Path] = ()):
        self.diet_epochs = diet_epochs
        self.selector_epochs = selector_epochs
        self.extras = list(extras)

    def train(self, examples, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "config.yml"
        config.write_text(DEFAULT_PIPELINE.format(diet_epochs=self.diet_epochs,
                                                  selector_epochs=self.selector_epochs), encoding="utf-8")
        nlu = workdir / "nlu"
        nlu.mkdir(exist_ok=True)
        (nlu / "retrieval.yml").write_text(retrieval_nlu(examples), encoding="utf-8")
        _copy_extras(self.extras, nlu)
        domain = workdir / "domain.yml"
        domain.write_text(retrieval_domain(examples), encoding="utf-8")
        start = time.perf_counter()
        model = _train_nlu(config, nlu, workdir / "model", domain)
        return RasaPredictor(model), time.perf_counter() - start


class TfidfPredictor(Predictor):
    def __init__(self, model):
        self.model = model

    def parse(self, texts):
        if not texts:
            return []
        classes = list(self.model.classes_)
        parses = []
        for row in self.model.predict_proba(list(texts)):
            order = row.argsort()[::-1]
            best = classes[order[0]]
            ranking = [{"intent_response_key": classes[i], "confidence": float(row[i])}
                       for i in order[:10] if "/" in classes[i]]
            parses.append({"intent": {"name": family(best), "confidence": float(row[order[0]])},
                           "response_selector": {"default": {"ranking": ranking}}})
        return parses


class TfidfBaseline(System):
    name = "tfidf_logreg"
    title = "TF-IDF + logistic regression (scikit-learn)"
    description = ("word 1-2-grams TF-IDF (sublinear tf), LogisticRegression(C=10); no lexicon normalisation, "
                   "no character n-grams, no intent classifier")

    def __init__(self, extras: Sequence[Path] = ()):
        self.extras = list(extras)

    def train(self, examples, workdir):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        texts = [e.text for e in examples]
        labels = [e.label for e in examples]
        for path in self.extras:
            for text, intent in read_examples(path):
                texts.append(text)
                labels.append(intent)
        start = time.perf_counter()
        model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                              LogisticRegression(C=10.0, max_iter=5000)).fit(texts, labels)
        return TfidfPredictor(model), time.perf_counter() - start


def quiet_rasa_logs() -> None:
    """Warnings only from Rasa (standard and structured logs) and TensorFlow, as `rasa` does on its CLI."""
    try:
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
    except ImportError:  # pragma: no cover - older Rasa
        pass
    for name in ("rasa", "tensorflow", "absl", "transformers", "sanic", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
