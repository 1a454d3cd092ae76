"""Theme discovery: recurring subjects that the taxonomy does not cover yet.

Recipe v1 (docs/theme-discovery.md says why each choice was made):

1. **Sentences left over.** From the current analysis of every stored
   testimony, keep the sentences that no theme's evidence touches, and drop
   the trivial ones (fewer than ``min_words`` content words once stop words,
   placeholders and brand names are left out: "Très satisfait.", "Merci
   <PERSON_1>.").
2. **Embeddings.** Each sentence, with placeholders and brand names blanked
   out (a theme is about *what* happened, not to whom or with which
   company), is embedded by the multilingual Universal Sentence Encoder.
   Embeddings are cached by the hash of the text under
   ``$ECOUTE_HOME/cache/``, so a second run embeds only new sentences.
3. **Clusters.** Agglomerative clustering, average linkage, with a cosine
   distance threshold: the number of clusters is not guessed, every cluster
   has an average distance between its members under the threshold, and the
   result depends only on the data (no random start). Above ``sample``
   sentences, a fixed, hash-chosen sample is clustered and every other
   sentence joins the cluster whose members it is closest to on average,
   if that average distance is under the same threshold.
4. **Labels.** Phrases of one to three words (not starting or ending with a
   stop word, never across punctuation) scored per cluster like class-based
   TF-IDF: share of the cluster's sentences holding the phrase × log of its
   rarity among all the sentences. A cluster whose best phrase is not
   distinctive (``min_lift``: at least that many times more frequent in the
   cluster than overall) is a mood, not a subject, and is dropped.
5. **Proposals** keep clusters of at least ``min_size`` sentences from at
   least ``min_testimonies`` testimonies, biggest first; each has a stable
   id (a hash of the recipe, its parameters and its sentence ids), so the
   same data gives the same proposals in the same order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from ecoute.text import fold

RECIPE_VERSION = 1
SHARE_FLOOR = 1000  # sentences: below, no phrase is a word of the whole corpus (see rank_phrases)
_WORD = re.compile(r"[^\W\d_]+")
_JOINER = re.compile(r"[\s'’ʼ\-]+")  # what may stand between two words of one phrase
_EXTRA_STOP_WORDS = (
    # Elided forms and spellings the lists miss, and words too vague to name a
    # subject (words of judgement are in data/discovery/mood_words.txt).
    "c d j l m n qu s t jai cest ete etes avez etait etaient ca fois chose choses rien tout tous faire fait faut "
    "ok oui non svp bonjour cordialement beaucoup vrai bref moment instant propose proposes proposee proposees "
    "proposer mme mr madame monsieur im ive dont didnt doesnt cant wont really just like"
).split()


@dataclass(frozen=True, slots=True)
class DiscoveryParams:
    """The knobs of discovery; every proposal id depends on them."""

    min_size: int = 8
    min_testimonies: int = 3
    max_proposals: int = 20
    distance: float = 0.55
    min_words: int = 2
    min_lift: float = 4.0
    min_share: float = 0.4
    max_share: float = 0.1
    sample: int = 6000
    encoder: str = "use"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One sentence of a stored testimony that no theme covers."""

    id: str  # "<testimony id>:<start>-<end>", offsets into the stored text
    testimony_id: str
    text: str
    language: str | None
    masked: str  # ``text`` with placeholders, brands and mood words blanked out, same length


@dataclass(slots=True)
class Proposal:
    """A recurring theme the taxonomy lacks, as an operator sees it."""

    id: str
    label: str
    phrases: list[str]
    language: str
    size: int
    testimonies: int
    cohesion: float
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proposal:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


# --- sentences -------------------------------------------------------------------


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French and English stop words, folded (spaCy's French list, scikit-learn's English one)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lang.fr.stop_words import STOP_WORDS

    words = {fold(word) for word in STOP_WORDS | ENGLISH_STOP_WORDS}
    return frozenset(words | set(_EXTRA_STOP_WORDS))


@lru_cache(maxsize=1)
def _brands() -> re.Pattern[str] | None:
    """Brand names of ecoute's brand list, folded, as whole words."""
    from ecoute.privacy.lexicon import data_lines

    names = sorted({fold(name) for name in data_lines("lexicon/brands.txt") if len(name) > 1}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)") if names else None


@lru_cache(maxsize=1)
def _mood_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words that say how the author feels (data/discovery/mood_words.txt):
    exact words, and prefixes of the entries ending with ``*``."""
    from ecoute.privacy.lexicon import data_lines

    entries = [fold(line) for line in data_lines("discovery/mood_words.txt")]
    return frozenset(e for e in entries if not e.endswith("*")), tuple(e[:-1] for e in entries if e.endswith("*"))


def is_mood_word(folded_word: str) -> bool:
    exact, prefixes = _mood_words()
    return folded_word in exact or folded_word.startswith(prefixes)


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


def mask(text: str, extra_spans: Iterable[tuple[int, int]] = ()) -> str:
    """``text`` with placeholders, known brands, mood words and
    ``extra_spans`` replaced by spaces (offsets are kept)."""
    from ecoute.privacy.engine import PLACEHOLDER

    folded = fold(text)
    spans = [m.span() for m in PLACEHOLDER.finditer(text)] + list(extra_spans)
    brands = _brands()
    if brands is not None:
        spans += [m.span() for m in brands.finditer(folded)]
    spans += [m.span() for m in _WORD.finditer(folded) if is_mood_word(m.group())]
    return _blank(text, spans)


def content_words(masked: str) -> list[str]:
    """Folded words of a masked text that are not stop words."""
    stop = stop_words()
    return [word for word in _WORD.findall(fold(masked)) if len(word) > 1 and word not in stop]


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < end and b > start for a, b in spans)


def candidates(records: Iterable[dict[str, Any]], params: DiscoveryParams = DiscoveryParams()) -> list[Candidate]:
    """The sentences of ``records`` that no theme's evidence covers and that
    say something (``params.min_words`` content words), sorted by id."""
    found = []
    for record in records:
        covered = [(span["start"], span["end"]) for theme in record.get("themes") or [] for span in theme.get("evidence") or []]
        entities = [(e["start"], e["end"]) for e in record.get("entities") or [] if e.get("label") in ("ORG", "BRAND")]
        for sentence in record.get("sentences") or []:
            start, end = sentence["start"], sentence["end"]
            if _overlaps(start, end, covered):
                continue
            text = sentence["text"]
            masked = mask(text, [(a - start, b - start) for a, b in entities if a < end and b > start])
            if len(content_words(masked)) < params.min_words:
                continue
            found.append(Candidate(f"{record['id']}:{start}-{end}", record["id"], text, record.get("language"), masked))
    found.sort(key=lambda c: c.id)
    return found


def embedding_text(candidate: Candidate) -> str:
    """What the encoder reads: the masked sentence, spaces squeezed."""
    return " ".join(candidate.masked.split())


# --- embeddings --------------------------------------------------------------------


class EmbeddingCache:
    """Sentence embeddings stored by the hash of the text, in one ``.npz`` file
    per encoder. Writing goes through a temporary file and a rename."""

    def __init__(self, directory: Path | None, encoder: str) -> None:
        self.path = directory / f"embeddings-{encoder}.npz" if directory else None
        self.vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path is not None and self.path.exists():
            try:
                with np.load(self.path) as data:
                    self.vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):  # a damaged cache is rebuilt, never trusted
                self.vectors = {}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def add(self, key: str, vector: np.ndarray) -> None:
        self.vectors[key] = vector
        self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        from ecoute.files import atomic_path

        keys = sorted(self.vectors)
        with atomic_path(self.path) as temporary, temporary.open("wb") as handle:
            np.savez(handle, keys=np.array(keys), vectors=np.vstack([self.vectors[k] for k in keys]).astype(np.float32))
        self._dirty = False


def embed(
    texts: Sequence[str],
    encoder: str = "use",
    cache_dir: Path | None = None,
    batch: int = 256,
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Unit-length embeddings of ``texts``; cached ones are not computed again.
    Progress is reported as (embedded, to embed)."""
    from ecoute.understanding.encoders import encode

    cache = EmbeddingCache(cache_dir, encoder)
    keys = [cache.key(text) for text in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in cache.vectors))
    text_of = dict(zip(keys, texts))
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        for key, vector in zip(chunk, encode([text_of[k] for k in chunk], encoder, batch=batch)):
            cache.add(key, vector)
        if on_progress:
            on_progress(min(start + batch, len(missing)), len(missing))
    cache.save()
    if not texts:
        return np.zeros((0, 512), np.float32)
    matrix = np.vstack([cache.vectors[k] for k in keys]).astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


# --- clusters ----------------------------------------------------------------------


def _sample_order(ids: Sequence[str]) -> list[int]:
    """Indices in an order that looks random but only depends on the ids."""
    return sorted(range(len(ids)), key=lambda i: hashlib.sha256(ids[i].encode("utf-8")).digest())


def cluster(vectors: np.ndarray, ids: Sequence[str], params: DiscoveryParams) -> np.ndarray:
    """A cluster number per sentence (-1: none), from average-linkage
    agglomerative clustering under ``params.distance`` (cosine)."""
    from sklearn.cluster import AgglomerativeClustering

    n = len(vectors)
    labels = np.full(n, -1, dtype=int)
    if n < 2:
        return labels
    sample = sorted(_sample_order(ids)[: params.sample]) if n > params.sample else list(range(n))
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=params.distance)
    labels[sample] = model.fit_predict(vectors[sample])
    if len(sample) < n:
        _assign_rest(vectors, labels, params, minimum=max(2, params.min_size * len(sample) // (2 * n)))
    return labels


def _assign_rest(vectors: np.ndarray, labels: np.ndarray, params: DiscoveryParams, minimum: int) -> None:
    """Put each unsampled sentence in the cluster it is closest to on average
    (the mean of unit vectors, un-normalised, gives that average similarity)."""
    sizes = Counter(labels[labels >= 0].tolist())
    kept = sorted(label for label, size in sizes.items() if size >= minimum)
    if not kept:
        return
    means = np.vstack([vectors[labels == label].mean(axis=0) for label in kept])
    rest = np.where(labels < 0)[0]
    for start in range(0, len(rest), 4096):
        chunk = rest[start : start + 4096]
        similarity = vectors[chunk] @ means.T
        best = similarity.argmax(axis=1)
        close = 1 - similarity[np.arange(len(chunk)), best] < params.distance
        labels[chunk[close]] = np.asarray(kept)[best[close]]


# --- labels ---------------------------------------------------------------------------


def family(word: str) -> str:
    """A crude stem: the first six letters without a plural ending, so that
    "remboursement", "remboursé" and "rembourser", or "tarif" and "tarifs",
    count as one subject (no stemmer is needed)."""
    return (word[:-1] if len(word) > 4 and word[-1] == "s" else word)[:6]


def _form(written: str) -> str:
    """A phrase as written, lower case, apostrophes and spaces made regular."""
    return re.sub(r"' +", "'", " ".join(written.lower().replace("’", "'").replace("ʼ", "'").split()))


def phrases_of(candidate: Candidate, longest: int = 3) -> dict[str, str]:
    """The candidate phrases of one sentence: family key -> form as written
    (lower case). One to ``longest`` words, not starting or ending with a stop
    word, never across punctuation."""
    stop = stop_words()
    folded = fold(candidate.masked)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded) if len(m.group()) > 1 or m.group() in stop]
    found: dict[str, str] = {}
    for i, (first, start, _) in enumerate(words):
        if first in stop:
            continue
        for j in range(i, min(i + longest, len(words))):
            if j > i and not _JOINER.fullmatch(candidate.text[words[j - 1][2] : words[j][1]]):
                break
            if words[j][0] in stop:
                continue
            key = " ".join(family(word) for word, _, _ in words[i : j + 1])
            found.setdefault(key, _form(candidate.text[start : words[j][2]]))
    return found


@dataclass(slots=True)
class _Phrases:
    """Per sentence, its phrases; overall, how many sentences hold each."""

    per_sentence: list[dict[str, str]]
    frequency: Counter

    @classmethod
    def of(cls, items: Sequence[Candidate]) -> _Phrases:
        per_sentence = [phrases_of(c) for c in items]
        return cls(per_sentence, Counter(key for found in per_sentence for key in found))


@dataclass(frozen=True, slots=True)
class RankedPhrase:
    key: str  # family key
    forms: tuple[str, ...]  # forms as written, most frequent first
    score: float
    lift: float
    share: float  # of the cluster's sentences holding it


def rank_phrases(members: Sequence[int], items: Sequence[Candidate], phrases: _Phrases, max_share: float = 1.0) -> list[RankedPhrase]:
    """The cluster's phrases, best first.

    Score: share of the cluster's sentences holding the phrase × log(N / how
    many sentences hold it overall), like class-based TF-IDF; lift: how many
    times more frequent in the cluster than overall. A phrase must come from
    two testimonies at least. In a corpus of ``SHARE_FLOOR`` sentences or
    more, a phrase held by more than ``max_share`` of them is a word of the
    whole corpus ("assurance" in insurance reviews) and names no subject; in
    a smaller corpus a share says too little to tell (ten parking complaints
    among sixty sentences are a theme). A phrase inside a better one, or holding a
    better one, is left out ("carte" after "carte de fidélité").
    """
    total = len(items)
    holders: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, Counter] = defaultdict(Counter)
    for index in members:
        for key, form in phrases.per_sentence[index].items():
            holders[key].add(items[index].testimony_id)
            forms[key][form] += 1
    scored = []
    for key, testimonies in holders.items():
        overall = phrases.frequency[key] / total
        if len(testimonies) < 2 or (total >= SHARE_FLOOR and overall > max_share):
            continue
        share = sum(forms[key].values()) / len(members)
        scored.append((share * float(np.log(1 / overall)), share / overall, share, key))
    scored.sort(key=lambda s: (-round(s[0], 9), -s[3].count(" "), s[3]))  # on a tie, the longer phrase says more
    chosen: list[RankedPhrase] = []
    for score, lift, share, key in scored:
        padded = f" {key} "
        if any(f" {other.key} " in padded or padded in f" {other.key} " for other in chosen):
            continue
        counted = sorted(forms[key].items(), key=lambda f: (-f[1], f[0]))
        ordered = tuple(form for rank, (form, count) in enumerate(counted) if rank == 0 or count >= 2)  # one-off spellings out
        chosen.append(RankedPhrase(key, ordered, score, lift, share))
    return chosen


def trigger_phrases(ranked: Sequence[RankedPhrase], min_lift: float, min_share: float = 0.05, most: int = 10) -> list[str]:
    """Phrases for the taxonomy: the written forms of the phrases at least
    ``min_lift`` times more frequent in the cluster than overall (a trigger
    must be specific, or it would tag every testimony) and held by at least
    ``min_share`` of its sentences."""
    out: list[str] = []
    for phrase in ranked:
        if phrase.lift < min_lift or phrase.share < min_share:
            continue
        out += [form for form in phrase.forms[:3] if form not in out]
    return out[:most] or ([ranked[0].forms[0]] if ranked else [])


# --- proposals -------------------------------------------------------------------------


def _proposal_id(sentence_ids: Iterable[str], params: DiscoveryParams) -> str:
    # How many proposals are shown does not change what a proposal is.
    knobs = {name: value for name, value in params.as_dict().items() if name != "max_proposals"}
    digest = hashlib.sha256(json.dumps({"recipe": RECIPE_VERSION, "params": knobs}, sort_keys=True).encode("utf-8"))
    for sentence_id in sorted(sentence_ids):
        digest.update(b"\n" + sentence_id.encode("utf-8"))
    return "p" + digest.hexdigest()[:10]


def _majority_language(languages: Iterable[str | None]) -> str:
    counts = Counter(lang for lang in languages if lang)
    if not counts:
        return "fr"
    return sorted(counts.items(), key=lambda item: (-item[1], item[0] != "fr", item[0] != "en", item[0]))[0][0]


def _examples(members: Sequence[int], vectors: np.ndarray, items: Sequence[Candidate], count: int = 5) -> list[str]:
    """The sentences closest to the cluster's centre, one per testimony."""
    centre = vectors[list(members)].mean(axis=0)
    ranked = sorted(members, key=lambda i: (-round(float(vectors[i] @ centre), 6), items[i].id))
    examples, seen_testimonies, seen_texts = [], set(), set()
    for index in ranked:
        text = " ".join(items[index].text.split())
        if items[index].testimony_id in seen_testimonies or text.casefold() in seen_texts:
            continue
        seen_testimonies.add(items[index].testimony_id)
        seen_texts.add(text.casefold())
        examples.append(text)
        if len(examples) == count:
            break
    return examples


def _subject(members: list[int], items: Sequence[Candidate], phrases: _Phrases, params: DiscoveryParams, words: int) -> str:
    """The cluster's subject: its best ``words`` phrases when the best one is
    held by at least half of its sentences and distinctive; else its own key."""
    ranked = rank_phrases(members, items, phrases, params.max_share) if len(members) >= 3 else []
    if not ranked or ranked[0].share < 0.5 or ranked[0].lift < params.min_lift:
        return f"#{members[0]}"
    return " | ".join(sorted(phrase.key for phrase in ranked[:words]))


def merge_by_subject(groups: Iterable[list[int]], items: Sequence[Candidate], phrases: _Phrases, params: DiscoveryParams) -> list[list[int]]:
    """Clusters with the same subject become one: agglomerative clustering
    splits a subject by what else its sentences say ("prix" alone, "prix et
    service", "prix trop cher"), and an operator wants one proposal per
    subject. First pass: same best phrase; second pass: the same two best
    phrases in any order ("contrat · résilier" and "résilier · contrat")."""
    current = [sorted(members) for members in groups]
    for words in (1, 2):
        merged: dict[str, list[int]] = {}
        for members in current:
            merged.setdefault(_subject(members, items, phrases, params, words), []).extend(members)
        current = [sorted(members) for members in merged.values()]
    return current


def propose(
    items: Sequence[Candidate],
    vectors: np.ndarray,
    params: DiscoveryParams = DiscoveryParams(),
    known: Callable[[str], bool] | None = None,
) -> list[Proposal]:
    """Proposals from embedded candidates: clusters, merged by subject,
    filtered, labelled, ranked. ``known`` tells whether a phrase is already
    named by the taxonomy; a cluster whose best phrase is known is left out."""
    labels = cluster(vectors, [c.id for c in items], params)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels.tolist()):
        if label >= 0:
            groups[label].append(index)
    phrases = _Phrases.of(items)
    proposals = []
    for members in merge_by_subject(sorted(groups.values()), items, phrases, params):
        testimonies = {items[i].testimony_id for i in members}
        if len(members) < params.min_size or len(testimonies) < params.min_testimonies:
            continue
        ranked = rank_phrases(members, items, phrases, params.max_share)
        if not ranked or ranked[0].lift < params.min_lift or ranked[0].share < params.min_share:
            continue
        if known is not None and known(ranked[0].forms[0]):
            continue
        centre = vectors[members].mean(axis=0)
        proposals.append(
            Proposal(
                id=_proposal_id((items[i].id for i in members), params),
                label=" · ".join(phrase.forms[0] for phrase in ranked[:3]),
                phrases=trigger_phrases(ranked, params.min_lift),
                language=_majority_language(items[i].language for i in members),
                size=len(members),
                testimonies=len(testimonies),
                cohesion=round(float(np.linalg.norm(centre)), 3),
                examples=_examples(members, vectors, items),
            )
        )
    proposals.sort(key=lambda p: (-p.size, -p.testimonies, p.id))
    return proposals[: params.max_proposals]


def discover(
    records: Iterable[dict[str, Any]],
    params: DiscoveryParams = DiscoveryParams(),
    cache_dir: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    known: Callable[[str], bool] | None = None,
) -> tuple[list[Proposal], int]:
    """Proposals from analysis records, and how many sentences were clustered."""
    items = candidates(records, params)
    if len(items) < params.min_size:
        return [], len(items)
    vectors = embed([embedding_text(c) for c in items], params.encoder, cache_dir, on_progress=on_progress)
    return propose(items, vectors, params, known), len(items)


def current_records(engine: Any, page: int = 1000) -> Iterator[dict[str, Any]]:
    """The current analysis record of every stored testimony, by testimony id."""
    from ecoute.store.models import AnalysisRow
    from ecoute.store.pages import current_analyses, short_reads

    for rows in current_analyses(short_reads(engine), key=AnalysisRow.testimony_id, page=page):
        yield from (row.record for row in rows)
