"""Staff wording of FAQ answers (issue 16, item 6): a « tous » entry may hold `staff_answer`, served on the staff
channel; applicants keep `answer`."""

import pytest

from bot.answering.audience import EVERYONE, PROFESSIONALS
from bot.answering.render import render_entry
from bot.knowledge import load_knowledge
from bot.knowledge.schema import Entry

KNOWLEDGE = load_knowledge("knowledge")


def test_the_staff_channel_gets_the_staff_wording_of_an_answer_for_everyone():
    entry = KNOWLEDGE.entries["accompagnement_delais"]
    staff = render_entry(entry, KNOWLEDGE, PROFESSIONALS).text
    public = render_entry(entry, KNOWLEDGE, EVERYONE).text
    assert "votre CCAS" in public and "votre CCAS" not in staff
    assert "écrivez-le clairement dans la saisine" in staff
    assert staff.startswith(KNOWLEDGE.answer_text("accompagnement_delais", PROFESSIONALS).strip())


def test_an_entry_without_staff_wording_is_the_same_for_everyone():
    assert KNOWLEDGE.answer_text("visale_couple", PROFESSIONALS) == KNOWLEDGE.answer_text("visale_couple", EVERYONE)


def test_staff_wording_is_refused_on_an_entry_for_professionals_only():
    data = KNOWLEDGE.entries["accompagnement_saisir"].dict(by_alias=True)
    data["staff_answer"] = "Une autre formulation pour les agents."
    with pytest.raises(ValueError, match="staff_answer"):
        Entry(**data)
