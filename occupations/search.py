"""Occupation search: /search/?q=...

How a query is answered, in one SQL statement (plus one cached vocabulary look-up):

1. The query is cleaned (control characters dropped, whitespace collapsed, 200 characters at
   most) and split into words; a SOC code in it ("29-2072", "292072", or a prefix such as
   "29-20") is taken out and matched against codes.
2. Words that appear nowhere in the site's titles, alternate titles, certifications and
   summaries are probably misspelt: Python's difflib proposes close words from that vocabulary
   ("medcal" -> "medical"), cached per word with the Django cache, and they are searched as
   alternatives of the word typed.
3. PostgreSQL full-text search finds candidates on GIN expression indexes (see
   occupations/migrations/0002_search.py): the occupation's title and BLS title (weight A),
   its alternate titles and certifications (weight B) and its summary (weight C). When pg_trgm
   is installed, trigram word similarity on the GIN trigram indexes of titles and alternate
   titles adds candidates and ranks typos. Without pg_trgm (the embedded PostgreSQL does not
   ship it) the difflib alternatives alone carry typo tolerance, and difflib names the title a
   fuzzy match resembles.
4. Candidates are scored (SOC code > exact title > every word matched > weighted rank >
   similarity), SOC groups count for less than detailed occupations, and the best 50 come back
   with why they matched and the newest release's U.S. wage figures, in the same query.

The number of queries is the same for any number of results: the content version (for the
vocabulary cache key), the search itself, and, only when nothing matched, the suggestions.
"""

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.urls import reverse

from careers.cache import TIMEOUT, content_version
from occupations.models import Occupation, SocLevel
from occupations.tables import wage_figure

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
RESULT_LIMIT = 50
SUGGESTION_LIMIT = 5
SUGGESTION_CUTOFF = 0.3
MAX_REASONS_PER_KIND = 2
SPELLING_CUTOFF = 0.8
TRIGRAM_ONLY_CUTOFF = 0.65

# Never "corrected" and never used for trigram matching: they would match nearly everything.
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it"}
    | {"of", "on", "or", "the", "to", "with", "without"}
)

# Must match the index expressions in occupations/migrations/0002_search.py exactly.
OCCUPATION_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, o.title || ' ' || o.bls_title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, o.summary), 'C'))"
)
ALTERNATE_TITLE_DOCUMENT = "(to_tsvector('english'::regconfig, a.title))"
CERTIFICATION_DOCUMENT = "(to_tsvector('english'::regconfig, c.name || ' ' || c.abbreviation))"

# A highlighted part of a summary is wrapped in these by ts_headline, then split in Python so
# that the template escapes every part: nothing from the database or the query is marked safe.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

LEVEL_WEIGHTS = {
    SocLevel.DETAILED: 1.0,
    "": 1.0,
    SocLevel.BROAD: 0.7,
    SocLevel.MINOR: 0.6,
    SocLevel.MAJOR: 0.5,
}

CODE_QUERY = re.compile(r"(\d{2})(?:-(\d{0,4})|(\d{4}))?")
CODE_IN_TEXT = re.compile(r"(?<![\w-])(\d{2}-\d{4})(?![\w-])")
WORD = re.compile(r"[^\W_]+")


# --- The query --------------------------------------------------------------------------------


def clean_query(raw: str) -> str:
    """The query as searched and shown: printable characters only, single spaces, capped."""
    kept = []
    for char in raw[: MAX_QUERY_LENGTH * 4]:
        category = unicodedata.category(char)
        if category.startswith("Z") or char in "\t\n\r":
            kept.append(" ")
        elif not category.startswith("C"):
            kept.append(char)
    return " ".join("".join(kept).split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    words: tuple[str, ...]
    code: str = ""  # a full SOC code, NN-NNNN
    code_prefix: str = ""  # the start of one, "29-20"


def parse_query(text: str) -> ParsedQuery:
    whole = CODE_QUERY.fullmatch(text)
    if whole:
        major, rest = whole.group(1), whole.group(2) if whole.group(3) is None else whole.group(3)
        rest = rest or ""
        if len(rest) == 4:
            return ParsedQuery(text, (), code=f"{major}-{rest}")
        return ParsedQuery(text, (), code_prefix=f"{major}-{rest}")
    code = ""
    found = CODE_IN_TEXT.search(text)
    if found:
        code = found.group(1)
        text_for_words = text[: found.start()] + " " + text[found.end() :]
    else:
        text_for_words = text
    words = []
    for word in WORD.findall(text_for_words.casefold()):
        if word not in words:
            words.append(word[:40])
    return ParsedQuery(text, tuple(words[:MAX_WORDS]), code=code)


# --- Vocabulary and spelling ------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    label: str
    url: str


@dataclass(frozen=True)
class Vocabulary:
    """Every word of the searchable text, and the titles offered as suggestions."""

    words: frozenset[str]
    spelling_words: tuple[str, ...]
    titles: tuple[Suggestion, ...]


def load_vocabulary() -> Vocabulary:
    rows = Occupation.objects.exclude(level=SocLevel.TOTAL).values_list(
        "title", "bls_title", "summary", "slug", "soc_code", "level"
    )
    words: set[str] = set()
    titles: list[Suggestion] = []
    for title, bls_title, summary, slug, soc_code, level in rows:
        words.update(WORD.findall(f"{title} {bls_title} {summary}".casefold()))
        titles.append(Suggestion(title, result_url(slug, soc_code, level)))
    from occupations.models import AlternateTitle, Certification

    for title, slug, soc_code, level in AlternateTitle.objects.values_list(
        "title", "occupation__slug", "occupation__soc_code", "occupation__level"
    ):
        words.update(WORD.findall(title.casefold()))
        titles.append(Suggestion(title, result_url(slug, soc_code, level)))
    for name, abbreviation in Certification.objects.values_list("name", "abbreviation"):
        words.update(WORD.findall(f"{name} {abbreviation}".casefold()))
    spelling = sorted(w for w in words if len(w) > 2 and not w.isdigit() and w not in STOP_WORDS)
    return Vocabulary(frozenset(words), tuple(spelling), tuple(titles))


def vocabulary(version: int) -> Vocabulary:
    key = f"search:vocabulary:{version}"
    found = cache.get(key)
    if found is None:
        found = load_vocabulary()
        cache.set(key, found, TIMEOUT)
    return found


def is_known(word: str, vocab: Vocabulary) -> bool:
    """In the vocabulary, or the start of a word in it ("nurse" of "nurses", "tech" being typed)."""
    if word in vocab.words:
        return True
    position = bisect.bisect_left(vocab.spelling_words, word)
    return position < len(vocab.spelling_words) and vocab.spelling_words[position].startswith(word)


def spelling_alternatives(words, vocab: Vocabulary, version: int) -> dict[str, list[str]]:
    """Close words from the vocabulary for each word that is not in it."""
    unknown = [
        w
        for w in words
        if len(w) > 2 and not w.isdigit() and w not in STOP_WORDS and not is_known(w, vocab)
    ]
    keys = {w: f"search:spelling:{version}:{w}" for w in unknown}
    cached = cache.get_many(keys.values())
    alternatives = {}
    for word in unknown:
        close = cached.get(keys[word])
        if close is None:
            close = difflib.get_close_matches(
                word, vocab.spelling_words, n=3, cutoff=SPELLING_CUTOFF
            )
            cache.set(keys[word], close, TIMEOUT)
        if close:
            alternatives[word] = close
    return alternatives


def tsquery(words, alternatives, *, operator: str, prefix_last: bool) -> str:
    """A to_tsquery() string. Words are [^\\W_]+ runs, so quoting them is enough to be safe."""
    terms = []
    for position, word in enumerate(words):
        prefix = ":*" if prefix_last and position == len(words) - 1 else ""
        options = [f"'{word}'{prefix}", *(f"'{alt}'" for alt in alternatives.get(word, []))]
        terms.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
    return f" {operator} ".join(terms)


# --- pg_trgm ----------------------------------------------------------------------------------

_trigram_installed: dict[tuple[str, str], bool] = {}


def trigram_available() -> bool:
    """Whether pg_trgm is installed in this database; asked once per process and database."""
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _trigram_installed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram_installed[key] = cursor.fetchone() is not None
    return _trigram_installed[key]


# --- Results ----------------------------------------------------------------------------------


@dataclass
class SnippetPart:
    text: str
    highlighted: bool


@dataclass
class SearchResult:
    title: str
    url: str
    soc_code: str | None
    level: str
    has_profile: bool
    reasons: list[str]
    snippet: list[SnippetPart]
    median: object = None
    employment: object = None
    score: float = 0.0

    @property
    def is_group(self) -> bool:
        return self.level in (SocLevel.MAJOR, SocLevel.MINOR, SocLevel.BROAD)

    @property
    def level_label(self) -> str:
        return SocLevel(self.level).label if self.level else ""


@dataclass
class SearchOutcome:
    query: ParsedQuery
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    release_name: str = ""
    corrections: dict[str, list[str]] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.results)


def result_url(slug: str, soc_code: str | None, level: str) -> str:
    """Occupations link to their page; SOC groups to the browse page of their major group."""
    if level in (SocLevel.MAJOR, SocLevel.MINOR, SocLevel.BROAD) and soc_code:
        url = reverse("occupations:group", kwargs={"code": f"{soc_code[:2]}-0000"})
        return url if level == SocLevel.MAJOR else f"{url}?group={soc_code}#occupations"
    return reverse("occupations:detail", kwargs={"slug": slug})


def split_highlights(text: str) -> list[SnippetPart]:
    parts = []
    for chunk in re.split(f"({HIGHLIGHT_START}[^{HIGHLIGHT_STOP}]*{HIGHLIGHT_STOP})", text):
        if chunk.startswith(HIGHLIGHT_START):
            parts.append(SnippetPart(chunk.strip(HIGHLIGHT_START + HIGHLIGHT_STOP), True))
        elif chunk:
            parts.append(SnippetPart(chunk, False))
    return parts


def search_sql(*, trigram: bool, trigram_words: int, code: bool) -> str:
    """The one statement that finds, scores and describes the best matches.

    Only constants of this module go into the text (hence the S608 exemptions below); every
    value that comes from the query is a bound parameter.
    """
    candidates = [
        f"SELECT o.id FROM occupations_occupation o, q WHERE {OCCUPATION_DOCUMENT} @@ q.any_q",  # noqa: S608
        f"SELECT a.occupation_id FROM occupations_alternatetitle a, q "  # noqa: S608
        f"WHERE {ALTERNATE_TITLE_DOCUMENT} @@ q.any_q",
        f"SELECT oc.occupation_id FROM occupations_certification c "  # noqa: S608
        f"JOIN occupations_occupationcertification oc ON oc.certification_id = c.id, q "
        f"WHERE {CERTIFICATION_DOCUMENT} @@ q.any_q OR lower(c.abbreviation) = q.phrase",
    ]
    if code:
        candidates.append(
            "SELECT o.id FROM occupations_occupation o WHERE o.soc_code LIKE %(code_like)s"
        )
    if trigram and trigram_words:
        # One %> per word so that each can use the trigram index (ANY() cannot).
        for table, column in (
            ("occupations_occupation o", "o"),
            ("occupations_alternatetitle a", "a"),
        ):
            conditions = " OR ".join(f"{column}.title %%> %(w{i})s" for i in range(trigram_words))
            key = "o.id" if column == "o" else "a.occupation_id"
            candidates.append(f"SELECT {key} FROM {table} WHERE {conditions}")  # noqa: S608
    if trigram and trigram_words:
        similarity = """
        CROSS JOIN LATERAL (
            SELECT s.label, s.similarity FROM (
                SELECT o.title AS label, 0 AS priority,
                       (SELECT avg(word_similarity(w, o.title)) FROM unnest(q.words) w)
                           AS similarity
                UNION ALL
                SELECT a.title, 1,
                       (SELECT avg(word_similarity(w, a.title)) FROM unnest(q.words) w)
                FROM occupations_alternatetitle a WHERE a.occupation_id = o.id
            ) s ORDER BY s.similarity DESC, s.priority, s.label LIMIT 1
        ) best"""
    else:
        similarity = "CROSS JOIN LATERAL (SELECT NULL::text AS label, 0.0 AS similarity) best"
    union = "\n        UNION ".join(candidates)
    headline = f"HighlightAll=true, StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}"
    return f"""
    WITH q AS (
        SELECT to_tsquery('english', %(any)s) AS any_q,
               to_tsquery('english', %(all)s) AS all_q,
               to_tsquery('english', %(any_typed)s) AS any_typed,
               to_tsquery('english', %(all_typed)s) AS all_typed,
               %(phrase)s::text AS phrase,
               %(words)s::text[] AS words
    ),
    candidates AS (
        {union}
    ),
    described AS MATERIALIZED (
        SELECT o.id, o.title, o.slug, o.soc_code, o.level, o.has_profile, o.summary,
               alts.all_titles, alts.typed_titles, alts.fuzzy_titles, alts.exact,
               certs.typed_certs, certs.fuzzy_certs, certs.exact AS exact_cert,
               best.label AS similar_label, best.similarity,
               {OCCUPATION_DOCUMENT}
                   || setweight(to_tsvector('english', coalesce(alts.text, '')), 'B')
                   || setweight(to_tsvector('english', coalesce(certs.text, '')), 'B') AS document,
               to_tsvector('english', o.title || ' ' || o.bls_title) AS title_document,
               to_tsvector('english', o.summary) AS summary_document
        FROM (SELECT DISTINCT id FROM candidates) c
        JOIN occupations_occupation o ON o.id = c.id
        CROSS JOIN q
        CROSS JOIN LATERAL (
            SELECT string_agg(a.title, ' ') AS text,
                   array_agg(a.title ORDER BY a.title) AS all_titles,
                   array_agg(a.title ORDER BY a.title)
                       FILTER (WHERE {ALTERNATE_TITLE_DOCUMENT} @@ q.any_typed) AS typed_titles,
                   array_agg(a.title ORDER BY a.title)
                       FILTER (WHERE {ALTERNATE_TITLE_DOCUMENT} @@ q.any_q) AS fuzzy_titles,
                   bool_or(lower(a.title) = q.phrase) AS exact
            FROM occupations_alternatetitle a WHERE a.occupation_id = o.id
        ) alts
        CROSS JOIN LATERAL (
            SELECT string_agg(c.name || ' ' || c.abbreviation, ' ') AS text,
                   array_agg(c.name || ' (' || c.abbreviation || ')' ORDER BY c.abbreviation)
                       FILTER (WHERE {CERTIFICATION_DOCUMENT} @@ q.any_typed
                               OR lower(c.abbreviation) = q.phrase) AS typed_certs,
                   array_agg(c.name || ' (' || c.abbreviation || ')' ORDER BY c.abbreviation)
                       FILTER (WHERE {CERTIFICATION_DOCUMENT} @@ q.any_q) AS fuzzy_certs,
                   bool_or(lower(c.abbreviation) = q.phrase OR lower(c.name) = q.phrase) AS exact
            FROM occupations_occupationcertification oc
            JOIN occupations_certification c ON c.id = oc.certification_id
            WHERE oc.occupation_id = o.id
        ) certs
        {similarity}
        WHERE o.level <> 'total'
    ),
    scored AS (
        SELECT d.*,
               d.title_document @@ q.any_typed AS title_hit,
               d.summary_document @@ q.any_typed AS summary_hit,
               d.document @@ q.any_typed AS typed_hit,
               d.document @@ q.any_q AS text_hit,
               coalesce(d.soc_code = %(code)s, false) AS code_exact,
               coalesce(d.soc_code LIKE %(code_like)s, false) AS code_prefix,
               (CASE WHEN d.soc_code = %(code)s THEN 20
                     WHEN d.soc_code LIKE %(code_like)s THEN 10 ELSE 0 END)
               + (CASE d.level WHEN 'broad' THEN {LEVEL_WEIGHTS[SocLevel.BROAD]}
                               WHEN 'minor' THEN {LEVEL_WEIGHTS[SocLevel.MINOR]}
                               WHEN 'major' THEN {LEVEL_WEIGHTS[SocLevel.MAJOR]} ELSE 1 END)
                 * (CASE WHEN lower(d.title) = q.phrase OR coalesce(d.exact, false)
                              OR coalesce(d.exact_cert, false) THEN 4 ELSE 0 END
                    + CASE WHEN d.document @@ q.all_typed THEN 2
                           WHEN d.document @@ q.all_q THEN 1.5 ELSE 0 END
                    + 3 * ts_rank('{{0.1, 0.2, 0.4, 1.0}}', d.document, q.any_q, 1)
                    + 2 * coalesce(d.similarity, 0))
                 -- A written profile tells a reader more than figures alone.
                 * CASE WHEN d.has_profile THEN 1.1 ELSE 1 END AS score
        FROM described d CROSS JOIN q
    )
    SELECT s.title, s.slug, s.soc_code, s.level, s.has_profile, s.score,
           s.code_exact, s.code_prefix, s.title_hit, s.summary_hit, s.typed_hit,
           s.typed_titles, s.fuzzy_titles, s.all_titles, s.typed_certs, s.fuzzy_certs,
           s.similar_label, s.similarity,
           CASE WHEN s.summary <> '' THEN
               ts_headline('english', s.summary, q.any_q, '{headline}')
           END AS summary_html,
           w.annual_median, w.annual_median_status, w.hourly_median, w.hourly_median_status,
           w.employment, w.employment_status, w.annual_only, w.hourly_only,
           r.name AS release_name,
           count(*) OVER () AS total
    FROM scored s
    CROSS JOIN q
    LEFT JOIN salaries_release r ON r.id = (
        SELECT id FROM salaries_release ORDER BY year DESC LIMIT 1)
    LEFT JOIN salaries_wageestimate w ON w.occupation_id = s.id AND w.release_id = r.id
        AND w.area_id = (SELECT id FROM salaries_area WHERE type = 'national' ORDER BY id LIMIT 1)
    -- Similarity alone must be close: "chef" is not a typo of "chemical".
    WHERE s.score > 0
      AND (s.text_hit OR s.code_exact OR s.code_prefix OR s.similarity >= %(similar)s)
    ORDER BY s.score DESC, s.soc_code NULLS FIRST, s.title
    LIMIT {RESULT_LIMIT}
    """  # noqa: S608


def describe(row: dict, parsed: ParsedQuery, corrections: dict) -> list[str]:
    """Why a row matched, in words a reader understands, strongest reason first."""
    reasons = []
    if row["code_exact"]:
        reasons.append("SOC code")
    elif row["code_prefix"]:
        reasons.append(f"SOC code starts with {parsed.code_prefix}")
    if row["title_hit"]:
        reasons.append("Title")
    for title in (row["typed_titles"] or [])[:MAX_REASONS_PER_KIND]:
        reasons.append(f"Also called: {title}")
    for certification in (row["typed_certs"] or [])[:MAX_REASONS_PER_KIND]:
        reasons.append(f"Certification: {certification}")
    if row["summary_hit"] and not row["title_hit"]:
        reasons.append("Described in the summary")
    if not reasons and parsed.words:
        reasons.append(f"Similar spelling to “{similar_label(row, parsed)}”")
    return reasons


def similar_label(row: dict, parsed: ParsedQuery) -> str:
    """The title or alternate title a fuzzy match resembles."""
    if row["similar_label"]:
        return row["similar_label"]
    options = [row["title"], *(row["fuzzy_titles"] or row["all_titles"] or [])]
    typed = " ".join(parsed.words)
    return max(
        options,
        key=lambda option: difflib.SequenceMatcher(None, typed, option.casefold()).ratio(),
    )


def suggestions_for(parsed: ParsedQuery, vocab: Vocabulary, trigram: bool) -> list[Suggestion]:
    """Titles close to a query that found nothing."""
    text = " ".join(w for w in parsed.words if w not in STOP_WORDS and not w.isdigit())
    if len(text) < 3:
        return []
    if trigram:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT title, slug, soc_code, level FROM (
                    SELECT o.title, o.slug, o.soc_code, o.level,
                           greatest(similarity(%(t)s, o.title),
                                    word_similarity(%(t)s, o.title)) AS closeness
                    FROM occupations_occupation o
                    WHERE o.level <> 'total'
                ) s
                WHERE closeness >= %(cutoff)s
                ORDER BY closeness DESC, title
                LIMIT %(n)s
                """,
                {"t": text, "n": SUGGESTION_LIMIT, "cutoff": SUGGESTION_CUTOFF},
            )
            return [
                Suggestion(title, result_url(slug, code, level))
                for title, slug, code, level in cursor.fetchall()
            ]
    labels = {s.label.casefold(): s for s in vocab.titles}
    close = difflib.get_close_matches(text.casefold(), list(labels), n=SUGGESTION_LIMIT, cutoff=0.3)
    return [labels[label] for label in close]


def search(raw_query: str) -> SearchOutcome:
    text = clean_query(raw_query)
    parsed = parse_query(text)
    outcome = SearchOutcome(parsed)
    if not parsed.words and not parsed.code and not parsed.code_prefix:
        return outcome
    version = content_version()
    vocab = vocabulary(version)
    corrections = spelling_alternatives(parsed.words, vocab, version)
    trigram = trigram_available()
    trigram_words = [w for w in parsed.words if len(w) > 2 and w not in STOP_WORDS]
    params = {
        "any": tsquery(parsed.words, corrections, operator="|", prefix_last=True),
        "all": tsquery(parsed.words, corrections, operator="&", prefix_last=True),
        "any_typed": tsquery(parsed.words, {}, operator="|", prefix_last=True),
        "all_typed": tsquery(parsed.words, {}, operator="&", prefix_last=False),
        "phrase": " ".join(parsed.words),
        "words": trigram_words,
        "code": parsed.code or None,
        "similar": TRIGRAM_ONLY_CUTOFF,
        "code_like": f"{parsed.code_prefix}%" if parsed.code_prefix else None,
    }
    params.update({f"w{i}": word for i, word in enumerate(trigram_words)})
    sql = search_sql(
        trigram=trigram,
        trigram_words=len(trigram_words),
        code=bool(parsed.code or parsed.code_prefix),
    )
    if parsed.code:
        params["code_like"] = parsed.code
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    outcome.corrections = corrections
    for row in rows:
        outcome.total = row["total"]
        outcome.release_name = row["release_name"] or ""
        outcome.results.append(
            SearchResult(
                title=row["title"],
                url=result_url(row["slug"], row["soc_code"], row["level"]),
                soc_code=row["soc_code"],
                level=row["level"],
                has_profile=row["has_profile"],
                reasons=describe(row, parsed, corrections),
                snippet=split_highlights(row["summary_html"]) if row["summary_html"] else [],
                median=wage_figure(row) if row["annual_median_status"] is not None else None,
                employment=row["employment"],
                score=float(row["score"]),
            )
        )
    if not rows:
        outcome.suggestions = suggestions_for(parsed, vocab, trigram)
    return outcome


# --- The view ---------------------------------------------------------------------------------


def search_view(request):
    outcome = search(request.GET.get("q", ""))
    return render(
        request,
        "occupations/search.html",
        {
            "query": outcome.query.text,
            "outcome": outcome,
            "examples": ["medical coder", "RHIT", "29-2072", "registered nurse", "electrician"],
        },
    )
