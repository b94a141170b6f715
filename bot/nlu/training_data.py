"""Rasa NLU training data generated from the phrasings of knowledge/ (one block per entry)."""

DISTRESS_INTENT = "detresse"
ANSWER_KEY = "answer"  # intent-level metadata naming the knowledge entry of each block
HEADER = (
    "# FICHIER GÉNÉRÉ par `make train` (bot/cli/generate_nlu.py) à partir de knowledge/faq/*.yml.\n"
    "# Ne pas modifier : ajoutez vos formulations dans knowledge/ puis lancez `make train`.\n"
)


def render_nlu(base) -> str:
    """The YAML text of data/nlu/generated_knowledge.yml for a knowledge base."""
    lines = [HEADER, 'version: "3.1"', "nlu:"]
    for entry in sorted(base.entries.values(), key=lambda e: (e.intent, e.id)):
        lines.append(f"  - intent: {entry.intent}")
        lines.append(f"    metadata: {{{ANSWER_KEY}: {entry.id}}}")
        lines.append("    examples: |")
        for question in entry.questions:
            lines.append(f"      - {' '.join(question.split())}")
    for situation in base.distress.situations:
        lines.append(f"  - intent: {DISTRESS_INTENT}")
        lines.append(f"    metadata: {{{ANSWER_KEY}: {situation.id}}}")
        lines.append("    examples: |")
        for question in situation.questions:
            lines.append(f"      - {' '.join(question.split())}")
    return "\n".join(lines) + "\n"
