"""Two-question surveys: a score and "why?" (PRODUCT.md, capability 1).

Kinds and scales (docs/surveys.md):

- ``nps``  — customer, 0–10, "How likely are you to recommend…"; NPS = % promoters (9–10) − % detractors (0–6);
- ``enps`` — employee, 0–10, same formula about the company as a place to work;
- ``csat`` — customer, 1–5; CSAT = share of 4–5 answers (a convention, not a standard);
- ``ces``  — customer, 1–7 agreement with "[company] made it easy for me to handle my issue" (CES 2.0);
  reported as the mean and the share of 5–7.

Each answer needs a token, unique in the store: a link answers once. Tokens
are signed with the installation's secret key (no table of issued tokens);
the signature covers the survey and the metadata the link carries (site,
team, channel), so a personal link's metadata cannot be edited. The "why?"
goes through the whole pipeline and is stored as a testimony (source kind
``survey``) in the same transaction as the answer. Scores are aggregated in
SQL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecoute.errors import AlreadyAnswered, BadOption, InvalidSurveyToken, NotFound, PayloadTooLarge, ScoreOutOfRange, SurveyClosed
from ecoute.pipeline import Pipeline
from ecoute.services.cache import cached
from ecoute.services.intake import prepare_text, write_prepared, write_transaction
from ecoute.store.models import AnswerMeta, Survey, SurveyAnswer, utcnow
from ecoute.text import secret_key

KINDS: dict[str, dict[str, Any]] = {
    "nps": {"audience": "customer", "low": 0, "high": 10},
    "enps": {"audience": "employee", "low": 0, "high": 10},
    "csat": {"audience": "customer", "low": 1, "high": 5},
    "ces": {"audience": "customer", "low": 1, "high": 7},
}
QUESTIONS = {
    "nps": {"fr": "Quelle est la probabilité que vous recommandiez {company} à un proche ?",
            "en": "How likely are you to recommend {company} to a friend or colleague?"},
    "enps": {"fr": "Quelle est la probabilité que vous recommandiez {company} comme employeur à un proche ?",
             "en": "How likely are you to recommend {company} as a place to work?"},
    "csat": {"fr": "Êtes-vous satisfait(e) de {company} ?", "en": "How satisfied are you with {company}?"},
    "ces": {"fr": "{company} m'a permis de régler ma demande facilement.", "en": "{company} made it easy for me to handle my issue."},
}  # fmt: skip
SCALE_ENDS = {
    "nps": {"fr": ("Pas du tout probable", "Extrêmement probable"), "en": ("Not at all likely", "Extremely likely")},
    "enps": {"fr": ("Pas du tout probable", "Extrêmement probable"), "en": ("Not at all likely", "Extremely likely")},
    "csat": {"fr": ("Très insatisfait(e)", "Très satisfait(e)"), "en": ("Very dissatisfied", "Very satisfied")},
    "ces": {"fr": ("Pas du tout d'accord", "Tout à fait d'accord"), "en": ("Strongly disagree", "Strongly agree")},
}
WHY = {"fr": "Pourquoi ?", "en": "Why?"}
LINK_KEYS = ("site", "team", "channel")  # metadata a link may carry
MAX_WHY = 5000
MAX_META_VALUE = 100


@dataclass(slots=True)
class SurveyView:
    id: int
    public_id: str
    kind: str
    title: str
    company: str
    question: str
    why: str
    language: str
    status: str
    low: int
    high: int
    scale_ends: tuple[str, str]
    audience: str
    metadata: dict[str, str]
    created_at: datetime | None = None
    answers: int = 0


def _view(row: Survey, answers: int = 0) -> SurveyView:
    spec = KINDS[row.kind]
    lang = row.language if row.language in ("fr", "en") else "fr"
    question = row.question or QUESTIONS[row.kind][lang].format(company=row.company)
    return SurveyView(
        row.id, row.public_id, row.kind, row.title, row.company, question, WHY[lang], lang, row.status,
        spec["low"], spec["high"], SCALE_ENDS[row.kind][lang], spec["audience"], dict(row.meta or {}), row.created_at, answers,
    )  # fmt: skip


def localised(view: SurveyView, lang: str) -> SurveyView:
    """The survey as a respondent who chose ``lang`` reads it: the standard
    question, "why?" and scale ends in that language (a custom question stays
    as its author wrote it)."""
    from dataclasses import replace

    if lang not in ("fr", "en") or lang == view.language:
        return view
    question = QUESTIONS[view.kind][lang].format(company=view.company) if view.question == QUESTIONS[view.kind][view.language].format(company=view.company) else view.question
    return replace(view, question=question, why=WHY[lang], scale_ends=SCALE_ENDS[view.kind][lang])


def create_survey(
    engine: Engine, kind: str, title: str, company: str, *, question: str | None = None, language: str = "fr",
    metadata: dict[str, str] | None = None, created_by: int | None = None,
) -> SurveyView:  # fmt: skip
    """A new open survey. ``metadata`` is stamped on every answer (e.g. a campaign)."""
    if kind not in KINDS:
        raise BadOption(option="kind", detail=f"{kind!r}: use {', '.join(KINDS)}", command="surveys")
    if language not in ("fr", "en"):
        raise BadOption(option="language", detail=f"{language!r}: use fr or en", command="surveys")
    if not title.strip() or not company.strip():
        raise BadOption(option="title/company", detail="both are required", command="surveys")
    public_id = secrets.token_urlsafe(9)
    with engine.begin() as connection:
        connection.execute(
            insert(Survey).values(
                public_id=public_id, kind=kind, title=title.strip()[:255], company=company.strip()[:255],
                question=(question or "").strip()[:500] or None, language=language, metadata=clean_metadata(metadata or {}, any_key=True),
                status="open", created_by=created_by, created_at=utcnow(),
            )
        )  # fmt: skip
    return get_survey(engine, public_id)


def get_survey(engine: Engine, key: int | str, *, count: bool = True) -> SurveyView:
    """A survey by its number (an int) or its public id (a str); ``count``
    adds its number of answers (a query the answering path does without)."""
    column = Survey.id if isinstance(key, int) else Survey.public_id
    with Session(engine) as session:
        row = session.scalar(select(Survey).where(column == key))
        if row is None:
            raise NotFound(kind="survey", id=key, listing="serve (page Enquêtes / Surveys)")
        answers = (session.scalar(select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.survey_id == row.id)) or 0) if count else 0
        return _view(row, answers)


def list_surveys(engine: Engine) -> list[SurveyView]:
    counts = select(SurveyAnswer.survey_id, func.count().label("n")).group_by(SurveyAnswer.survey_id).subquery()
    with Session(engine) as session:
        rows = session.execute(select(Survey, counts.c.n).outerjoin(counts, counts.c.survey_id == Survey.id).order_by(Survey.id.desc())).all()
        return [_view(survey, n or 0) for survey, n in rows]


def set_status(engine: Engine, key: int | str, status: str) -> SurveyView:
    if status not in ("open", "closed"):
        raise BadOption(option="status", detail=f"{status!r}: use open or closed", command="surveys")
    survey = get_survey(engine, key)
    with engine.begin() as connection:
        connection.execute(update(Survey).where(Survey.id == survey.id).values(status=status, closed_at=utcnow() if status == "closed" else None))
    return get_survey(engine, survey.id)


def clean_metadata(metadata: dict[str, Any], *, any_key: bool = False) -> dict[str, str]:
    """Link metadata kept: known keys (or any, for the survey's own), short values."""
    out = {}
    for key, value in metadata.items():
        key = str(key).strip().lower()[:64]
        if not key or value is None or str(value).strip() == "" or (not any_key and key not in LINK_KEYS):
            continue
        text = str(value).strip()
        if len(text) > MAX_META_VALUE:
            raise PayloadTooLarge(what=f"metadata {key}", size=len(text), limit=MAX_META_VALUE)
        out[key] = text
    return out


# --- tokens ------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _signature(public_id: str, nonce: str, metadata: dict[str, str]) -> str:
    message = json.dumps([public_id, nonce, sorted(metadata.items())], ensure_ascii=False).encode("utf-8")
    return _b64(hmac.new(secret_key(), b"survey-token\0" + message, hashlib.sha256).digest()[:18])


def new_token(public_id: str, metadata: dict[str, str] | None = None) -> str:
    """A fresh answer token for this survey and link metadata."""
    nonce = _b64(secrets.token_bytes(12))
    return f"{nonce}.{_signature(public_id, nonce, clean_metadata(metadata or {}))}"


def check_token(public_id: str, token: str, metadata: dict[str, str]) -> None:
    nonce, _, signature = (token or "").partition(".")
    if not nonce or not signature or len(token) > 160:
        raise InvalidSurveyToken(id=public_id)
    if not hmac.compare_digest(signature, _signature(public_id, nonce, metadata)):
        raise InvalidSurveyToken(id=public_id)


def links(public_id: str, base_url: str, count: int = 1, metadata: dict[str, str] | None = None) -> list[str]:
    """Personal links (one answer each) carrying ``metadata``."""
    from urllib.parse import urlencode

    metadata = clean_metadata(metadata or {})
    return [f"{base_url}/s/{public_id}?" + urlencode({**metadata, "t": new_token(public_id, metadata)}) for _ in range(count)]


# --- answers -------------------------------------------------------------------------------


@dataclass(slots=True)
class AnswerResult:
    id: int
    survey: str
    score: int
    testimony_id: str | None
    record: dict | None
    metadata: dict[str, str] = field(default_factory=dict)


def answer(
    engine: Engine, public_id: str, token: str, score: Any, why: str | None = None,
    metadata: dict[str, Any] | None = None, *, pipeline: Pipeline | None = None,
) -> AnswerResult:  # fmt: skip
    """Store one answer; its "why" is analysed and stored as a testimony at once.

    Raises NotFound, SurveyClosed, InvalidSurveyToken, ScoreOutOfRange,
    PayloadTooLarge or AlreadyAnswered; nothing is stored then.
    """
    survey = get_survey(engine, str(public_id), count=False)
    if survey.status != "open":
        raise SurveyClosed(id=public_id)
    link_meta = clean_metadata(metadata or {})
    check_token(survey.public_id, token, link_meta)
    if isinstance(score, bool) or not isinstance(score, (int, str)) or not str(score).strip().lstrip("-").isdigit():
        raise ScoreOutOfRange(score=score, kind=survey.kind, low=survey.low, high=survey.high)
    value = int(score)
    if not survey.low <= value <= survey.high:
        raise ScoreOutOfRange(score=score, kind=survey.kind, low=survey.low, high=survey.high)
    why = (why or "").strip()
    if len(why) > MAX_WHY:
        raise PayloadTooLarge(what="why", size=len(why), limit=MAX_WHY)
    meta = {**survey.metadata, **link_meta}
    stamp = {**meta, "survey": survey.public_id, "survey_kind": survey.kind, "score": value, "role": survey.audience}
    today = date.today().isoformat()
    with engine.connect() as connection:  # a used token fails here, before the analysis costs anything
        if connection.scalar(select(exists().where(SurveyAnswer.token == token))):
            raise AlreadyAnswered()
    prepared = prepare_text(engine, why, kind="survey", location=survey.public_id, metadata=stamp, when=today, pipeline=pipeline) if why else None
    try:
        with write_transaction(engine) as connection:  # the answer and its testimony together, briefly
            intake = write_prepared(connection, prepared) if prepared else None
            answer_id = connection.execute(
                insert(SurveyAnswer).values(
                    survey_id=survey.id, token=token, score=value, testimony_id=intake.id if intake else None,
                    metadata=meta, day=today, created_at=utcnow(),
                ).returning(SurveyAnswer.id)
            ).scalar_one()  # fmt: skip
            if meta:
                connection.execute(insert(AnswerMeta), [{"answer_id": answer_id, "key": k, "value": v} for k, v in meta.items()])
    except IntegrityError:  # the same token (or the same why) sent twice at the same moment
        if prepared is None or _token_used(engine, token):
            raise AlreadyAnswered() from None
        return answer(engine, public_id, token, score, why, metadata, pipeline=pipeline)  # the why was stored meanwhile: link to it
    record = intake.record.model_dump(mode="json") if intake and intake.record else None
    return AnswerResult(answer_id, survey.public_id, value, intake.id if intake else None, record, meta)


def _token_used(engine: Engine, token: str) -> bool:
    with engine.connect() as connection:
        return bool(connection.scalar(select(exists().where(SurveyAnswer.token == token))))


def list_answers(engine: Engine, key: int | str, page: int = 1, per_page: int = 50) -> tuple[int, list[dict]]:
    from ecoute.store.models import TestimonyRow

    survey = get_survey(engine, key)
    base = select(SurveyAnswer).where(SurveyAnswer.survey_id == survey.id)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.execute(
            select(SurveyAnswer, TestimonyRow.text)
            .outerjoin(TestimonyRow, TestimonyRow.id == SurveyAnswer.testimony_id)
            .where(SurveyAnswer.survey_id == survey.id)
            .order_by(SurveyAnswer.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
    return total, [
        {"id": a.id, "score": a.score, "day": a.day, "metadata": a.meta or {}, "testimony_id": a.testimony_id, "why": text} for a, text in rows
    ]


# --- scores, in SQL ----------------------------------------------------------------------------


@cached
def scores(
    engine: Engine, *, survey: int | None = None, kinds: tuple[str, ...] = tuple(KINDS), date_from: str | None = None,
    date_to: str | None = None, meta: dict[str, str] | None = None, group_by: str | None = None,
) -> dict:  # fmt: skip
    """Scores by kind (and by a metadata key's value with ``group_by``):
    ``{kind: {"answers", "promoters", "passives", "detractors", "nps", "csat", "ces", "mean"}}``,
    or ``{value: {kind: …}}`` when grouped. Only the figures that apply to a
    kind are set; a kind with no answer is left out."""
    answers = SurveyAnswer.__table__
    conditions = [Survey.kind.in_(kinds)]
    if survey is not None:
        conditions.append(SurveyAnswer.survey_id == survey)
    if date_from:
        conditions.append(SurveyAnswer.day >= date_from)
    if date_to:
        conditions.append(SurveyAnswer.day <= date_to)
    for key, value in (meta or {}).items():
        conditions.append(exists().where(and_(AnswerMeta.answer_id == SurveyAnswer.id, AnswerMeta.key == key, AnswerMeta.value == value)))
    high = func.sum(case((SurveyAnswer.score >= 9, 1), else_=0))
    low = func.sum(case((SurveyAnswer.score <= 6, 1), else_=0))
    satisfied = func.sum(case((SurveyAnswer.score >= 4, 1), else_=0))
    easy = func.sum(case((SurveyAnswer.score >= 5, 1), else_=0))
    columns = [Survey.kind, func.count().label("n"), high.label("high"), low.label("low"), satisfied.label("sat"), easy.label("easy"), func.avg(SurveyAnswer.score).label("mean")]
    query = select(*columns).select_from(answers.join(Survey.__table__, Survey.id == SurveyAnswer.survey_id)).where(*conditions)
    if group_by:
        query = query.add_columns(AnswerMeta.value.label("grp")).join(
            AnswerMeta, and_(AnswerMeta.answer_id == SurveyAnswer.id, AnswerMeta.key == group_by)
        ).group_by(Survey.kind, AnswerMeta.value)
    else:
        query = query.group_by(Survey.kind)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    result: dict = {}
    for row in rows:
        target = result.setdefault(row.grp, {}) if group_by else result
        target[row.kind] = figures(row.kind, int(row.n), int(row.high or 0), int(row.low or 0), int(row.sat or 0), int(row.easy or 0), float(row.mean or 0))
    return result


def figures(kind: str, n: int, high: int, low: int, satisfied: int, easy: int, mean: float) -> dict:
    """The published figures of one kind from its counts (docs/surveys.md)."""
    out: dict[str, Any] = {"answers": n, "mean": round(mean, 2)}
    if kind in ("nps", "enps"):
        out.update(promoters=high, passives=n - high - low, detractors=low, nps=round(100 * (high - low) / n, 1) if n else None)
    elif kind == "csat":
        out.update(satisfied=satisfied, csat=round(100 * satisfied / n, 1) if n else None)
    else:
        out.update(easy=easy, ces=round(mean, 2) if n else None, easy_share=round(100 * easy / n, 1) if n else None)
    return out
