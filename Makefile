# Two commands matter: `make run` (install, train if needed, start) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export PYTHONHASHSEED := 0

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MODEL  := models/assistant.tar.gz
NLU_GENERATED := data/nlu/generated_knowledge.yml

# Python 3.10 (Rasa 3.6 needs it): on PATH, in pyenv, or in /usr.
PYTHON310 ?= $(shell for c in python3.10 $$(pyenv root 2>/dev/null)/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { command -v "$$c" || echo "$$c"; } && break; done)

.PHONY: help install validate generate train run token test test-fast fuzz soak personas quality calibrate bench chromium clean report purge migrate check-rules

help:
	@echo "make run       installe, entraîne si besoin et démarre l'assistant (http://localhost:5005)"
	@echo "              WORKERS=2 LOCK_STORE_URL=redis://127.0.0.1:6379/1 : deux serveurs Rasa (un par cœur)"
	@echo "make test      toute la suite de tests"
	@echo "make token     jeton de développement pour le canal staff (SUB=agent@ccas.fr MINUTES=60)"
	@echo "make validate  vérifie les contenus de knowledge/"
	@echo "make check-rules compare nos paramètres à ceux d'openfisca-france (wheel téléchargée dans .cache/)"
	@echo "make train     régénère data/nlu depuis knowledge/ et réentraîne si besoin"
	@echo "make personas  les personas de bout en bout (REST, staff, SMS), verdicts comparés aux règles officielles"
	@echo "make quality   mesure la compréhension sur le jeu de test (docs/quality.md)"
	@echo "make calibrate propose les seuils de décision (validation croisée)"
	@echo "make fuzz      entrées invalides sur chaque canal et fichiers de contenus corrompus, 10 fois plus de cas que make test"
	@echo "make soak      charge soutenue : 50 conversations × 40 messages en parallèle, rien de perdu ni mélangé (docs/reliability.md)"
	@echo "make bench     mesures comparées : compréhension, latence, mémoire, édition (docs/benchmarks.md, < 30 min)"
	@echo "make report    rapport pour les rédacteurs : questions sans réponse, avis, fiches à relire (var/report/)"
	@echo "make purge     supprime les conversations et données personnelles de plus de RETENTION_DAYS jours (30)"
	@echo "make migrate   met à jour les tables de l'assistant (Alembic ; le serveur d'actions le fait au démarrage)"

install: $(STAMP)

$(STAMP): requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 introuvable (Rasa 3.6 l'exige) : installez-le (pyenv install 3.10) ou passez PYTHON310=/chemin/python3.10"; exit 1; }
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		rm -rf $(VENV) && $(PYTHON310) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip==24.2
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	@touch $@

validate: $(STAMP)
	$(PY) -m bot.cli.validate knowledge
	$(PY) -m bot.rules knowledge

# The newest openfisca-france release by default; OPENFISCA_VERSION=176.1.8 for one release.
check-rules: $(STAMP)
	$(PY) -m bot.cli.check_rules

generate: $(STAMP)
	@$(PY) -m bot.cli.generate_nlu --knowledge knowledge --out $(NLU_GENERATED)

# The model depends on what changes understanding: config, domain, training data, lexicon.
# Editing an answer in knowledge/ changes none of them, so it never triggers a retraining.
train: generate
	@$(MAKE) --no-print-directory $(MODEL)

$(MODEL): config.yml domain.yml knowledge/lexique.yml knowledge/detresse.yml tests/eligibility/extraction_dev.yml tests/eligibility/extraction_dev2.yml $(shell find data -name '*.yml' 2>/dev/null) $(NLU_GENERATED)
	@mkdir -p models
	$(PY) -m rasa train --config config.yml --domain domain.yml --data data --out models \
		--fixed-model-name assistant --force
	@touch $@

# STAFF_DEMO=1: the demo intranet page and its development tokens (never in production).
# WORKERS=2 LOCK_STORE_URL=redis://127.0.0.1:6379/1: two Rasa processes (one per core) behind a
# round-robin proxy on the same port, sharing the tracker store and the Redis lock store.
WORKERS ?= 1
run: train
	STAFF_DEMO=1 $(PY) -m bot.cli.serve --workers $(WORKERS)

SUB ?= agent@ccas.fr
MINUTES ?= 60
token: $(STAMP)
	@$(PY) -m bot.cli.token --sub "$(SUB)" --minutes "$(MINUTES)"

test: validate train chromium
	$(PY) -m pytest

# The widget's browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test-fast: $(STAMP)
	$(PY) -m pytest -m "not e2e"

# Reliability (docs/reliability.md). `make test` runs the bounded version of both.
FUZZ_SCALE ?= 10
fuzz: train
	FUZZ_SCALE=$(FUZZ_SCALE) $(PY) -m pytest -m fuzz tests/reliability

CONVERSATIONS ?= 50
TURNS ?= 40
soak: train
	$(PY) -m tests.reliability.soak --conversations $(CONVERSATIONS) --turns $(TURNS)

# The personas over REST, the staff channel and SMS against the real servers (part of `make test` too).
personas: train
	$(PY) -m pytest tests/personas/test_personas.py

quality: train
	$(PY) -m rasa test nlu --nlu tests/nlu/heldout.yml --model $(MODEL) --out results/heldout --no-plot
	$(PY) -m bot.cli.evaluate --model $(MODEL) --out docs/quality.md --rasa-results results/heldout --final
	$(PY) -m tests.personas.run_library --files personas.yml screening.yml personas_final.yml --append docs/quality.md
	$(PY) -m tests.channels.sms_budget --append docs/quality.md
	$(PY) -m bot.cli.followups --set tests/nlu/followups_final4.yml --append docs/quality.md

calibrate: $(STAMP)
	$(PY) -m bot.cli.calibrate --knowledge knowledge

# Quality against two baselines, REST latency and throughput, resources; everything in a temporary
# folder (models/, data/ and knowledge/ are not touched). Run it on a quiet machine.
bench: $(STAMP)
	$(PY) -m tools.bench

# The bot's own data (bot/persistence/): TRACKER_URL / BOT_DATABASE_URL as for `make run`
# (var/tracker.db by default). OUT= for the report folder, DAYS= for a one-off retention period.
OUT ?= var/report
report: $(STAMP)
	$(PY) -m bot.cli.editors_report --out "$(OUT)"

purge: $(STAMP)
	$(PY) -m bot.cli.purge $(if $(DAYS),--days $(DAYS))

migrate: $(STAMP)
	$(PY) -m bot.persistence.migrate

clean:
	rm -rf models var results .rasa $(NLU_GENERATED)
