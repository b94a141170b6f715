"""Schema of the knowledge files (pydantic 1.x): every field, its type and its rule.

Error messages raised here are in French: they are shown to content editors.
"""

import datetime as dt
import re
from typing import Dict, List, Optional, Union

from pydantic import BaseModel, Field, root_validator, validator

from bot.nlu.normalize import fold

try:  # pydantic 1.x (pinned by Rasa 3.6)
    from typing import Literal
except ImportError:  # pragma: no cover
    from typing_extensions import Literal

MAX_ANSWER_WORDS = 120
SMS_MAX_CHARACTERS = 320  # as written ({parametre} references included): with the source and choices, ~3 SMS
MIN_QUESTIONS = 12
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,60}$")
SEED_PATTERN = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
# The reasons a 👎 can be given, as stored in bot_feedback.reason (their buttons: dialogue.yml `avis`).
FEEDBACK_REASONS = ("pas_ma_question", "incomplete", "pas_claire", "erronee")
# What answering an entry counts as for the editors' report (actions/recording.py): « orientation », a
# hand-over to a person (a referral to staff); « sans_reponse », the catch-all out-of-scope answer (the
# question is listed as unanswered; the specific redirections are real answers).
COUNTED_AS = ("orientation", "sans_reponse")


def __getattr__(name: str):
    """`ELIGIBILITY_AIDS`: the aids of the registry (knowledge/eligibilite/<aid>.yml) of the default folder."""
    if name == "ELIGIBILITY_AIDS":
        from bot.knowledge.registry import current_registry
        return current_registry().aids
    raise AttributeError(name)


def word_count(text: str) -> int:
    """Words as a reader counts them (markdown marks and bare links do not count)."""
    text = re.sub(r"<https?://[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", " ", text)
    return len(re.findall(r"[\wÀ-ÿ'’€%-]+", text))


def question_key(text: str) -> str:
    """Normalised form used to detect the same phrasing written twice."""
    return " ".join(re.findall(r"\w+", fold(text)))


class Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        allow_population_by_field_name = True


class Source(Strict):
    title: str = Field(..., min_length=3)
    url: Optional[str] = None
    seed: Optional[str] = None

    @validator("url")
    def _url(cls, value):
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError("adresse web invalide (elle doit commencer par https://)")
        return value

    @validator("seed")
    def _seed(cls, value):
        if value is not None and not SEED_PATTERN.match(value):
            raise ValueError("nom de document source invalide (exemple : 000_ba1bf2e5b0805682.txt)")
        return value

    @root_validator(skip_on_failure=True)
    def _one_reference(cls, values):
        if not values.get("url") and not values.get("seed"):
            raise ValueError("une source doit avoir une adresse « url » ou un document « seed »")
        return values


class DatedText(Strict):
    """One version of an answer, valid from `from` (included) until `until` (included)."""

    valid_from: Optional[dt.date] = Field(None, alias="from")
    valid_until: Optional[dt.date] = Field(None, alias="until")
    text: str = Field(..., min_length=1)

    def applies_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


Answer = Union[str, List[DatedText]]


def _check_answer(value):
    """A plain text or a list of dated versions that never overlap."""
    if value is None:
        return value
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("la réponse est vide")
        versions = [DatedText(text=value)]
    else:
        versions = value
        if not versions:
            raise ValueError("la liste des versions datées est vide")
        ordered = sorted(versions, key=lambda v: v.valid_from or dt.date.min)
        for before, after in zip(ordered, ordered[1:]):
            if before.valid_until is None or after.valid_from is None or before.valid_until >= after.valid_from:
                raise ValueError(
                    "les versions datées se chevauchent : chaque version sauf la dernière doit avoir "
                    "« until », et la suivante un « from » postérieur"
                )
        for version in versions:
            if version.valid_from and version.valid_until and version.valid_from > version.valid_until:
                raise ValueError("« from » est postérieur à « until »")
    for version in versions:
        words = word_count(version.text)
        if words > MAX_ANSWER_WORDS:
            raise ValueError(f"réponse trop longue : {words} mots (maximum {MAX_ANSWER_WORDS})")
    return value


class Entry(Strict):
    """One question/answer card (« fiche »)."""

    id: str
    title: str = Field(..., min_length=3, max_length=80)
    intent: Literal["faq", "chitchat", "hors_sujet"] = "faq"
    audience: Literal["tous", "professionnels"]
    questions: List[str] = Field(..., min_items=MIN_QUESTIONS)
    answer: Answer
    public_answer: Optional[Answer] = None
    staff_answer: Optional[Answer] = None  # « tous » entries: the wording for CCAS agents (staff channel)
    sources: List[Source] = Field(default_factory=list)
    reviewed: dt.date
    see_also: List[str] = Field(default_factory=list)
    check: Optional[str] = None  # aid id (a file of knowledge/eligibilite/, checked by the loader): the answer
    # offers a personal eligibility check for it
    # The SMS version of the answer given to applicants (plain text; the channel adds one short source link),
    # for an answer that does not fit in 3 SMS segments (bot/channels/sms.py; `make quality` counts them).
    sms: Optional[str] = Field(None, min_length=20, max_length=SMS_MAX_CHARACTERS)
    counted_as: Optional[Literal[COUNTED_AS]] = None  # see COUNTED_AS

    @validator("sms")
    def _sms(cls, value):
        if value is not None and re.search(r"\*\*|\]\(|<https?:", value):
            raise ValueError("« sms » : texte simple, sans gras ni lien en markdown (le canal ajoute la source)")
        return value

    @validator("id")
    def _id(cls, value):
        if not ID_PATTERN.match(value):
            raise ValueError("identifiant invalide : minuscules, chiffres et _ uniquement (3 à 61 caractères)")
        return value

    @validator("questions", each_item=True)
    def _question(cls, value):
        if not value.strip():
            raise ValueError("formulation vide")
        if len(value) > 300:
            raise ValueError("formulation trop longue (300 caractères au plus)")
        return value

    @validator("questions")
    def _distinct_questions(cls, value):
        seen: Dict[str, int] = {}
        for index, question in enumerate(value):
            key = question_key(question)
            if key in seen:
                raise ValueError(f"formulation en double : « {question} » (déjà n° {seen[key] + 1})")
            seen[key] = index
        return value

    _answer = validator("answer", allow_reuse=True)(_check_answer)
    _public_answer = validator("public_answer", allow_reuse=True)(_check_answer)
    _staff_answer = validator("staff_answer", allow_reuse=True)(_check_answer)

    @validator("reviewed")
    def _reviewed(cls, value):
        if value > dt.date.today():
            raise ValueError("la date de relecture est dans le futur")
        return value

    @validator("staff_answer")
    def _staff_answer_for_everyone(cls, value, values):
        if value and values.get("audience") == "professionnels":
            raise ValueError("« staff_answer » ne sert que pour une fiche « audience: tous » (« answer » est déjà pour "
                             "les professionnels)")
        return value

    @validator("public_answer", always=True)
    def _public_answer_for_professionals(cls, value, values):
        if values.get("audience") == "professionnels" and not value:
            raise ValueError(
                "une fiche réservée aux professionnels doit avoir « public_answer » "
                "(la réponse donnée aux demandeurs)"
            )
        if values.get("audience") == "tous" and value:
            raise ValueError("« public_answer » ne sert que pour une fiche « audience: professionnels »")
        return value

    @validator("sources", always=True)
    def _sources_required(cls, value, values):
        if values.get("intent", "faq") != "chitchat" and not value:
            raise ValueError("au moins une source est obligatoire")
        return value

    def versions(self, audience: str) -> List[DatedText]:
        if audience == "professionnels":
            answer = self.staff_answer or self.answer
        else:
            answer = self.answer if self.audience == "tous" else self.public_answer
        return [DatedText(text=answer)] if isinstance(answer, str) else list(answer)

    def text_on(self, day: dt.date, audience: str) -> Optional[str]:
        """The answer that applies on `day` for this audience, or None if no version covers that day."""
        for version in self.versions(audience):
            if version.applies_on(day):
                return version.text
        return None


class FaqFile(Strict):
    entries: List[Entry] = Field(..., min_items=1)


class Messages(Strict):
    fallback: str
    clarify: str
    clarify_none: str
    source: str
    reviewed: str
    see_also: str
    unavailable: str
    welcome: str
    privacy: str  # sent on first contact on the messaging and public REST channels
    staff_privacy: Optional[str] = None  # shown by the staff widget, for agents (else `privacy`)
    numbered_choices: str = "Répondez par le numéro de votre choix :"  # SMS: buttons become numbered choices
    # Before an answer chosen with the help of the previous one (a follow-up, bot/nlu/context.py): {sujet} = its title
    context_topic: str = "À propos de « {sujet} » :"
    # SMS: after an answer cut to fit in 3 SMS, instead of its source line; {lien} = the source's site
    sms_more: str = "Suite et source : {lien}"
    # Sent by the channels themselves (bot/channels/limits.py), without reaching Rasa:
    too_long: str = ("Votre message est trop long pour moi ({max} caractères au plus). "
                     "Pouvez-vous poser votre question en quelques phrases ?")  # {max}: the limit
    rate_limited: str = ("Vous avez envoyé beaucoup de messages en peu de temps. Merci de patienter "
                         "un instant avant d'écrire de nouveau ; votre conversation est conservée.")
    text_only: str = ("Je ne peux lire que les messages écrits. Posez votre question en quelques mots, "
                      "par exemple « Visale pour un couple ? ».")


class Thresholds(Strict):
    """Confidence thresholds of the answer decision (0 to 1)."""

    answer: float = Field(..., ge=0, le=1)
    clarify: float = Field(..., ge=0, le=1)
    margin: float = Field(..., ge=0, le=1)
    suggestion: float = Field(..., ge=0, le=1)
    alternative_margin: float = Field(..., ge=0, le=1)
    # Outside a check, an eligibility request with no aid and no fact is answered as a FAQ question
    # when the selector gives a FAQ entry without a check at least this confidence (bot/answering/routing.py).
    question_over_check: float = Field(0.6, ge=0, le=1)
    # An answer given with less confidence than this is listed in the editors' report as « réponse peu
    # sûre » (actions/recording.py): given, since above `answer`, but maybe the wrong one.
    low_confidence: float = Field(..., ge=0, le=1)

    @root_validator(skip_on_failure=True)
    def _order(cls, values):
        if values["clarify"] > values["answer"]:
            raise ValueError("le seuil « clarify » doit être inférieur ou égal au seuil « answer »")
        return values


class FeedbackMessages(Strict):
    """The 👍 / 👎 question after an answer and what follows it (bot/dialogue/feedback.py)."""

    question: str
    up: str  # its two buttons
    down: str
    thanks: str
    ask_reason: str  # after a 👎, above the reasons' buttons
    thanks_reason: str
    reasons: Dict[str, str]  # reason code (FEEDBACK_REASONS) -> its button, in the order shown

    @validator("reasons")
    def _reasons(cls, value):
        unknown = sorted(set(value) - set(FEEDBACK_REASONS))
        if unknown:
            raise ValueError("raison inconnue : " + ", ".join(unknown) + " (raisons possibles : "
                             + ", ".join(FEEDBACK_REASONS) + ")")
        if not value:
            raise ValueError("au moins une raison est nécessaire")
        return value


class EligibilityMessages(Strict):
    """Texts of the guided eligibility conversation (the rules' own texts are in knowledge/eligibilite/)."""

    ask_aid: str
    intro: str  # {aide}: the aid's name
    conditions_button: str
    # aid id -> its button, in the menu's order: not written here, filled by the loader from the registry
    # (`bouton` of each knowledge/eligibilite/<aid>.yml)
    aids: Dict[str, str] = Field(default_factory=dict)
    noted: str  # after a correction, {valeur}
    why_prefix: str
    why_aid: str
    nothing_asked: str
    cancelled: str
    nothing_to_cancel: str
    restarted: str
    next_steps: str
    alternatives: str
    another_aid: str
    start_over: str
    check_button: str
    yes: str
    no: str
    # the conversation about someone a CCAS agent describes, and the screening of every aid
    ask_aid_third_person: str
    intro_third_person: str  # {aide}
    screening_button: str
    screening_intro: str
    screening_intro_third_person: str
    noted_facts: str  # {faits}: what the first message already said
    kept_facts: str  # {faits}: what an earlier check of this conversation already established
    confirm: str  # {fait}, {valeur}: a fact read with low confidence
    unknown_button: str
    unknown_noted: str
    depends_on: str  # {question}: a verdict that hangs on a fact the person does not know
    if_yes: str
    if_no: str
    status_open: str
    status_closed: str
    status_undecided: str
    screening_open: str
    screening_closed: str
    screening_undecided: str
    screening_end: str
    screening_end_third_person: str
    detail_button: str  # {aide}
    why_not: str  # {raison}
    approximate_zone: str
    assumed_one_holder: str
    # the SMS wording of verdicts and of the screening (bot/eligibility/replies.py, issue 17: ≤ 3 segments)
    sms_disclaimer: str
    sms_eligible: str  # {aide}, {ici}: « (ici : …) », the facts that decided, or nothing
    sms_not_eligible: str  # {aide}, {critere}, {ici}
    sms_not_eligible_several: str  # {aide}, {nombre}: none of the several ways to the aid is open
    sms_open: str
    sms_undecided: str
    sms_closed: str
    sms_here: str  # {valeur}
    sms_amount: str  # {valeur}
    sms_lead_time: str  # {valeur}
    sms_up_to: str  # {maximum}
    sms_range: str  # {minimum}, {maximum}
    sms_screening_end: str


class ReferralMessages(Strict):
    """Texts of the referral to the support service a CCAS agent can have prepared (staff channel only)."""

    bouton: str
    entree: str  # the FAQ entry giving the professional address; applicants get its public answer
    adresse: str
    intro: str
    rappel: str
    lien: str
    copier: str
    copie: str
    objet: str
    objet_urgent: str
    salutation: str
    demande: str
    urgence_oui: str  # {motif}; the lead time as a {parameter} reference
    urgence_non: str  # the usual lead time as {parameter} references
    urgence_dite: str  # the {motif} of urgence_oui when no distress situation was described
    situation: str
    personne: str
    conjoint: str
    menage: str
    rien_dit: str
    aides: str
    aide_possible: str
    aide_impossible: str
    aide_incertaine: str
    manque: str  # {faits}: what an undecided verdict still needs
    motif_aide: str  # {condition}, {valeur}
    attente: str
    coordonnees: str
    signature: str

    @validator("adresse")
    def _address(cls, value):
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
            raise ValueError(f"« {value} » n'est pas une adresse électronique")
        return value


class DialogueFile(Strict):
    messages: Messages
    thresholds: Thresholds
    avis: FeedbackMessages
    eligibilite: EligibilityMessages
    saisine: ReferralMessages


class LexiconFile(Strict):
    abreviations: Dict[str, str] = Field(default_factory=dict)
    variantes: Dict[str, List[str]] = Field(default_factory=dict)

    @validator("abreviations")
    def _abbreviations(cls, value):
        for short, full in value.items():
            if not str(short).strip() or not str(full).strip():
                raise ValueError("abréviation ou forme complète vide")
        return {str(k): str(v) for k, v in value.items()}


class DistressSituation(Strict):
    """One distress situation: cues, training phrasings and the reply with its numbers."""

    id: str
    title: str = Field(..., min_length=3, max_length=80)
    cues: List[str] = Field(..., min_items=1)
    not_if: List[str] = Field(default_factory=list)
    questions: List[str] = Field(..., min_items=MIN_QUESTIONS)
    answer: str = Field(..., min_length=1)
    staff_answer: str = Field(..., min_length=1)
    reprise: Literal["continuer", "proposer"] = "proposer"
    sources: List[Source] = Field(..., min_items=1)
    reviewed: dt.date

    _id = validator("id", allow_reuse=True)(Entry._id.__func__)
    _distinct = validator("questions", allow_reuse=True)(Entry._distinct_questions.__func__)
    _answer = validator("answer", "staff_answer", allow_reuse=True)(_check_answer)
    _reviewed = validator("reviewed", allow_reuse=True)(Entry._reviewed.__func__)

    @validator("cues", "not_if", each_item=True)
    def _cue(cls, value):
        parts = [part.strip() for part in value.split("+")]
        if not all(parts):
            raise ValueError("indice vide (une partie de « A + B » est vide)")
        return value


class DistressMessages(Strict):
    resume_form: str
    follow_up: str


class DistressFraming(Strict):
    """Words showing that a message speaks of no danger now (bot/safety/distress.py `Framing`)."""

    figure: List[str] = Field(default_factory=list)
    passe: List[str] = Field(default_factory=list)
    hypothese: List[str] = Field(default_factory=list)
    present: List[str] = Field(default_factory=list)
    aides: List[str] = Field(default_factory=list)

    _cue = validator("figure", "passe", "hypothese", "present", "aides", each_item=True, allow_reuse=True)(
        DistressSituation._cue.__func__)


class DistressFile(Strict):
    situations: List[DistressSituation] = Field(..., min_items=1)
    messages: DistressMessages
    ordinaires: List[str] = Field(default_factory=list)
    cadrage: Optional[DistressFraming] = None

    @validator("situations")
    def _unique_ids(cls, value):
        ids = [situation.id for situation in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError("identifiant de situation en double : " + ", ".join(duplicates))
        return value
