"""Occupation search: /search/?q=...

How a query is answered, in one SQL statement (plus a cached vocabulary look-up):

1. The query is cleaned (control characters dropped, whitespace collapsed, 200 characters at
   most) and split into words; a SOC code in it ("29-2072", "292072", or a prefix such as
   "29-20") is taken out and matched against codes.
2. Words that appear nowhere in the site's titles, alternate titles, certifications and
   summaries (not even as the start of a word) are probably misspelt: Python's difflib proposes
   close words from that vocabulary ("medcal" -> "medical"), cached per word with the Django
   cache under the content version, and they are searched as alternatives of the word typed.
3. PostgreSQL full-text search finds candidates on GIN expression indexes (see
   occupations/migrations/0002_search.py): the occupation's title and BLS title (weight A),
   its alternate titles and certifications (weight B) and its summary (weight C). When pg_trgm
   is installed, trigram word similarity of the misspelt words, on the GIN trigram indexes of
   titles and alternate titles, adds candidates and ranks them. Without pg_trgm (the embedded
   PostgreSQL does not ship it; trigram_available() finds out once per process) the difflib
   alternatives alone carry typo tolerance, and difflib names the title a fuzzy match
   resembles and the titles suggested when nothing matched.
4. Candidates are scored (SOC code > exact title > every word matched > weighted rank >
   similarity), SOC groups count for less than detailed occupations, and a page of 20 comes
   back with why each matched, and any columns the caller adds (the search page adds the
   newest release's U.S. wage figures from salaries.queries), in the same statement. The
   statement is prepared once per connection (see fetch()).

The number of queries is the same for any number of results: the search itself; when nothing
matched, one more for suggestions. The caller passes the content version it read for the
request (careers.cache), under which the vocabulary and titles are cached.
"""

import bisect
import difflib
import functools
import hashlib
import re
import unicodedata
import weakref
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from careers.cache import cached
from occupations.models import (
    GROUP_LEVELS,
    AlternateTitle,
    Certification,
    Occupation,
    SocLevel,
    soc_group_url,
)

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PAGE_SIZE = 20
MAX_PAGES = 10
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
    """Every word of the searchable text, sorted, and those worth proposing as spellings."""

    words: tuple[str, ...]
    spelling_words: tuple[str, ...]


def load_vocabulary() -> Vocabulary:
    texts = [
        f"{title} {bls_title} {summary}"
        for title, bls_title, summary in Occupation.objects.exclude(
            level=SocLevel.TOTAL
        ).values_list("title", "bls_title", "summary")
    ]
    texts += AlternateTitle.objects.values_list("title", flat=True)
    texts += [f"{n} {a}" for n, a in Certification.objects.values_list("name", "abbreviation")]
    words = {word for text in texts for word in WORD.findall(text.casefold())}
    spelling = sorted(w for w in words if len(w) > 2 and not w.isdigit() and w not in STOP_WORDS)
    return Vocabulary(tuple(sorted(words)), tuple(spelling))


def vocabulary(version: int) -> Vocabulary:
    return cached("search:vocabulary", version=version, compute=load_vocabulary)


def is_known(word: str, vocab: Vocabulary) -> bool:
    """In the vocabulary, or the start of a word in it ("nurse" of "nurses", "tech" being typed)."""
    position = bisect.bisect_left(vocab.words, word)
    return position < len(vocab.words) and vocab.words[position].startswith(word)


@dataclass(frozen=True)
class Spelling:
    """What the vocabulary says about the words of a query."""

    unknown: tuple[str, ...]  # probably misspelt: in no title, alternate title or summary
    alternatives: dict[str, list[str]]  # close words for each unknown word that has some


def check_spelling(words, version: int) -> Spelling:
    """Find the words that are not in the vocabulary and close words for them."""
    checked = [w for w in words if len(w) > 2 and not w.isdigit() and w not in STOP_WORDS]
    unknown, alternatives = [], {}
    vocab = vocabulary(version) if checked else None
    for word in checked:
        if is_known(word, vocab):
            continue
        unknown.append(word)
        close = close_words(word, version)
        if close:
            alternatives[word] = list(close)
    return Spelling(tuple(unknown), alternatives)


# Bounded and per process: the words come from visitors, so their answers must not go to the
# shared cache, where anybody typing random words could push pages out.
@functools.lru_cache(maxsize=2048)
def close_words(word: str, version: int) -> tuple[str, ...]:
    """Words of the vocabulary close to a word it does not know ("medcal" -> "medical")."""
    spelling = vocabulary(version).spelling_words
    return tuple(difflib.get_close_matches(word, spelling, n=3, cutoff=SPELLING_CUTOFF))


def _load_suggestion_titles() -> tuple["Suggestion", ...]:
    titles = [
        Suggestion(title, result_url(slug, code, level))
        for title, slug, code, level in Occupation.objects.exclude(
            level=SocLevel.TOTAL
        ).values_list("title", "slug", "soc_code", "level")
    ]
    titles += [
        Suggestion(title, result_url(slug, code, level))
        for title, slug, code, level in AlternateTitle.objects.values_list(
            "title", "occupation__slug", "occupation__soc_code", "occupation__level"
        )
    ]
    return tuple(titles)


def suggestion_titles(version: int) -> tuple["Suggestion", ...]:
    """Titles and alternate titles with their links, for difflib suggestions without pg_trgm."""
    return cached("search:titles", version=version, compute=_load_suggestion_titles)


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
    score: float = 0.0
    # The columns the caller added to the statement (see search()), by name.
    columns: dict = field(default_factory=dict)

    @property
    def snippet_html(self):
        """The summary with the matched words in <mark>; every part escaped by format_html."""
        return format_html_join(
            "",
            "{}",
            (
                (format_html("<mark>{}</mark>", part.text) if part.highlighted else part.text,)
                for part in self.snippet
            ),
        )

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
    corrections: dict[str, list[str]] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    page: int = 1

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGES, -(-self.total // PAGE_SIZE))

    @property
    def first_rank(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def listed_limit(self) -> int:
        return MAX_PAGES * PAGE_SIZE

    @property
    def truncated(self) -> bool:
        """More matches than the pages show: a hint to add a word."""
        return self.total > MAX_PAGES * PAGE_SIZE


def result_url(slug: str, soc_code: str | None, level: str) -> str:
    """Occupations link to their page; SOC groups to their one page (soc_group_url), as
    Occupation.get_absolute_url does."""
    if level in GROUP_LEVELS and soc_code:
        return soc_group_url(soc_code, level)
    return reverse("occupations:detail", kwargs={"slug": slug})


def split_highlights(text: str) -> list[SnippetPart]:
    parts = []
    for chunk in re.split(f"({HIGHLIGHT_START}[^{HIGHLIGHT_STOP}]*{HIGHLIGHT_STOP})", text):
        if chunk.startswith(HIGHLIGHT_START):
            parts.append(SnippetPart(chunk.strip(HIGHLIGHT_START + HIGHLIGHT_STOP), True))
        elif chunk:
            parts.append(SnippetPart(chunk, False))
    return parts


# The columns the statement itself returns; any other column of a row is the caller's.
ENGINE_COLUMNS = frozenset(
    {"title", "slug", "soc_code", "level", "has_profile", "score", "total", "code_exact"}
    | {"code_prefix", "title_hit", "summary_hit", "typed_titles", "fuzzy_titles", "all_titles"}
    | {"typed_certs", "similar_label", "summary_html"}
)


def search_sql(*, trigram: bool, trigram_words: int, code: bool, columns=None) -> str:
    """The one statement that finds, scores and describes a page of the best matches.

    Each kind of match is found on its own index and scored on its own row (`hits`); the rows
    are added up per occupation (`scored`), ranked, and only the page shown is described (which
    alternate titles and certifications matched, the summary with highlights, the wages).

    `columns` (with `select` and `join`, e.g. salaries.queries.us_wage_columns("p")) adds
    columns to every row, joined on the page's occupations (alias p).

    Only constants go into the text (this module's, and the caller's columns; hence the S608
    exemptions below); every value that comes from the query is a bound parameter.
    """
    rank = "ts_rank('{0.1, 0.2, 0.4, 1.0}', %s, q.any_q, 1)"
    alternate = f"setweight({ALTERNATE_TITLE_DOCUMENT}, 'B')"
    certification = f"setweight({CERTIFICATION_DOCUMENT}, 'B')"
    # id, rank, every word as typed, every word allowing spellings, exact, fts, similarity, code
    hits = [
        f"""SELECT o.id, {rank % OCCUPATION_DOCUMENT},
               {OCCUPATION_DOCUMENT} @@ q.all_typed, {OCCUPATION_DOCUMENT} @@ q.all_q,
               lower(o.title) = q.phrase OR lower(o.bls_title) = q.phrase, true, 0.0, 0
           FROM occupations_occupation o, q WHERE {OCCUPATION_DOCUMENT} @@ q.any_q""",  # noqa: S608
        f"""SELECT a.occupation_id, {rank % alternate},
               {ALTERNATE_TITLE_DOCUMENT} @@ q.all_typed, {ALTERNATE_TITLE_DOCUMENT} @@ q.all_q,
               lower(a.title) = q.phrase, true, 0.0, 0
           FROM occupations_alternatetitle a, q
           WHERE {ALTERNATE_TITLE_DOCUMENT} @@ q.any_q""",  # noqa: S608
        f"""SELECT oc.occupation_id, {rank % certification},
               {CERTIFICATION_DOCUMENT} @@ q.all_typed, {CERTIFICATION_DOCUMENT} @@ q.all_q,
               lower(c.abbreviation) = q.phrase OR lower(c.name) = q.phrase, true, 0.0, 0
           FROM occupations_certification c
           JOIN occupations_occupationcertification oc ON oc.certification_id = c.id, q
           WHERE {CERTIFICATION_DOCUMENT} @@ q.any_q OR lower(c.abbreviation) = q.phrase""",  # noqa: S608
    ]
    if code:
        hits.append(
            """SELECT o.id, 0.0, false, false, false, false, 0.0,
                   CASE WHEN o.soc_code = %(code)s THEN 20 ELSE 10 END
               FROM occupations_occupation o WHERE o.soc_code LIKE %(code_like)s"""
        )
    if trigram and trigram_words:
        # One %> per word so that each can use the trigram index (ANY() cannot).
        for table, alias, key in (
            ("occupations_occupation", "o", "o.id"),
            ("occupations_alternatetitle", "a", "a.occupation_id"),
        ):
            close = " OR ".join(f"{alias}.title %%> %(w{i})s" for i in range(trigram_words))
            similarity = f"(SELECT avg(word_similarity(w, {alias}.title)) FROM unnest(q.words) w)"  # noqa: S608
            hits.append(
                f"""SELECT {key}, 0.0, false, false, false, false, {similarity}, 0
                    FROM {table} {alias}, q WHERE {close}"""  # noqa: S608
            )
        best = """
        LEFT JOIN LATERAL (
            SELECT s.label FROM (
                SELECT p.title AS label, 0 AS priority,
                       (SELECT avg(word_similarity(w, p.title)) FROM unnest(q.words) w)
                           AS similarity
                UNION ALL
                SELECT a.title, 1,
                       (SELECT avg(word_similarity(w, a.title)) FROM unnest(q.words) w)
                FROM occupations_alternatetitle a WHERE a.occupation_id = p.id
            ) s ORDER BY s.similarity DESC, s.priority, s.label LIMIT 1
        ) best ON true"""
    else:
        best = "LEFT JOIN LATERAL (SELECT NULL::text AS label) best ON true"
    union = "\n        UNION ALL ".join(hits)
    extra_select = f", {columns.select}" if columns else ""
    extra_join = columns.join if columns else ""
    headline = f"HighlightAll=true, StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}"
    return f"""
    WITH q AS MATERIALIZED (
        SELECT to_tsquery('english', %(any)s) AS any_q,
               to_tsquery('english', %(all)s) AS all_q,
               to_tsquery('english', %(any_typed)s) AS any_typed,
               to_tsquery('english', %(all_typed)s) AS all_typed,
               %(phrase)s::text AS phrase,
               %(words)s::text[] AS words
    ),
    hits (id, rank, all_typed, all_fuzzy, exact, fts, similarity, code_score) AS (
        {union}
    ),
    scored AS (
        SELECT h.id, sum(h.rank) AS rank, bool_or(h.all_typed) AS all_typed,
               bool_or(h.all_fuzzy) AS all_fuzzy, bool_or(h.exact) AS exact,
               bool_or(h.fts) AS fts, max(h.similarity) AS similarity,
               max(h.code_score) AS code_score
        FROM hits h GROUP BY h.id
    ),
    ranked AS (
        SELECT o.id, o.title, o.bls_title, o.slug, o.soc_code, o.level, o.has_profile,
               o.summary, s.code_score,
               s.code_score
               + (CASE o.level WHEN 'broad' THEN {LEVEL_WEIGHTS[SocLevel.BROAD]}
                               WHEN 'minor' THEN {LEVEL_WEIGHTS[SocLevel.MINOR]}
                               WHEN 'major' THEN {LEVEL_WEIGHTS[SocLevel.MAJOR]} ELSE 1 END)
                 * (CASE WHEN s.exact THEN 4 ELSE 0 END
                    + CASE WHEN s.all_typed THEN 2 WHEN s.all_fuzzy THEN 1.5 ELSE 0 END
                    + 3 * s.rank
                    + 2 * s.similarity)
                 -- A written profile tells a reader more than figures alone.
                 * CASE WHEN o.has_profile THEN 1.1 ELSE 1 END AS score
        FROM scored s JOIN occupations_occupation o ON o.id = s.id
        -- Similarity alone must be close: "chef" is not a typo of "chemical".
        WHERE o.level <> 'total'
          AND (s.fts OR s.code_score > 0 OR s.similarity >= %(similar)s)
    ),
    page AS (
        SELECT r.*, count(*) OVER () AS total FROM ranked r
        ORDER BY r.score DESC, r.soc_code NULLS FIRST, r.title
        LIMIT {PAGE_SIZE} OFFSET %(offset)s
    )
    SELECT p.title, p.slug, p.soc_code, p.level, p.has_profile, p.score, p.total,
           p.code_score = 20 AS code_exact, p.code_score = 10 AS code_prefix,
           to_tsvector('english', p.title || ' ' || p.bls_title) @@ q.any_typed AS title_hit,
           to_tsvector('english', p.summary) @@ q.any_typed AS summary_hit,
           alts.typed_titles, alts.fuzzy_titles, alts.all_titles, certs.typed_certs,
           best.label AS similar_label,
           CASE WHEN p.summary <> ''
                THEN ts_headline('english', p.summary, q.any_q, '{headline}') END AS summary_html
           {extra_select}
    FROM page p
    CROSS JOIN q
    LEFT JOIN LATERAL (
        SELECT array_agg(a.title ORDER BY a.title) AS all_titles,
               array_agg(a.title ORDER BY a.title)
                   FILTER (WHERE {ALTERNATE_TITLE_DOCUMENT} @@ q.any_typed) AS typed_titles,
               array_agg(a.title ORDER BY a.title)
                   FILTER (WHERE {ALTERNATE_TITLE_DOCUMENT} @@ q.any_q) AS fuzzy_titles
        FROM occupations_alternatetitle a WHERE a.occupation_id = p.id
    ) alts ON true
    LEFT JOIN LATERAL (
        SELECT array_agg(c.name || ' (' || c.abbreviation || ')' ORDER BY c.abbreviation)
                   FILTER (WHERE {CERTIFICATION_DOCUMENT} @@ q.any_typed
                           OR lower(c.abbreviation) = q.phrase) AS typed_certs
        FROM occupations_occupationcertification oc
        JOIN occupations_certification c ON c.id = oc.certification_id
        WHERE oc.occupation_id = p.id
    ) certs ON true
    {best}
    {extra_join}
    ORDER BY p.score DESC, p.soc_code NULLS FIRST, p.title
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


def suggestions_for(parsed: ParsedQuery, version: int, trigram: bool) -> list[Suggestion]:
    """Titles close to a query that found nothing."""
    text = " ".join(w for w in parsed.words if w not in STOP_WORDS and not w.isdigit())
    if len(text) < 3:
        return []
    if trigram:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT o.title, o.slug, o.soc_code, o.level
                FROM occupations_occupation o
                -- Close as pg_trgm's thresholds define it (similarity 0.3 or word similarity
                -- 0.6 by default); both operators can use the trigram index.
                WHERE (o.title %% %(t)s OR o.title %%> %(t)s) AND o.level <> 'total'
                ORDER BY greatest(similarity(%(t)s, o.title), word_similarity(%(t)s, o.title))
                         DESC, o.title
                LIMIT %(n)s
                """,
                {"t": text, "n": SUGGESTION_LIMIT},
            )
            return [
                Suggestion(title, result_url(slug, code, level))
                for title, slug, code, level in cursor.fetchall()
            ]
    labels = {s.label.casefold(): s for s in suggestion_titles(version)}
    close = difflib.get_close_matches(
        text.casefold(), list(labels), n=SUGGESTION_LIMIT, cutoff=SUGGESTION_CUTOFF
    )
    return [labels[label] for label in close]


# Names of the statements prepared on each open database connection.
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
PARAMETER = re.compile(r"%\((\w+)\)s")


def fetch(sql: str, params: dict) -> list[dict]:
    """Run the search statement as a server-side prepared statement.

    Planning a statement this size costs more than running it (3 to 15 ms against a few), and
    Django binds parameters on the client, so PostgreSQL would plan it again on every request.
    PREPARE, once per connection and variant of the text, lets it keep the plan. Prepared
    statements belong to the session, not to a transaction, so a rollback does not undo them.

    plan_cache_mode = force_generic_plan makes PostgreSQL keep one plan instead of re-planning
    for each set of parameters (its default does that for at least five runs, and for good when
    the generic plan's estimate looks worse, which it does here: it cannot see how selective a
    tsquery is). The generic plan uses the same indexes and measured faster. The setting only
    concerns server-side prepared statements, and Django prepares none of its own (it binds
    parameters on the client); were OPTIONS["server_side_binding"] ever turned on, this line
    would deserve a second look.
    """
    order = list(dict.fromkeys(PARAMETER.findall(sql)))
    name = "occupation_search_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:16]
    with connection.cursor() as cursor:
        prepared = _prepared.get(connection.connection)
        if prepared is None:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            prepared = _prepared[connection.connection] = set()
        if name not in prepared:
            positional = PARAMETER.sub(lambda m: f"${order.index(m.group(1)) + 1}", sql)
            # Sent without parameters, so nothing unescapes "%%" on the way.
            cursor.execute(f"PREPARE {name} AS {positional.replace('%%', '%')}")
            prepared.add(name)
        placeholders = ", ".join(["%s"] * len(order))
        cursor.execute(f"EXECUTE {name} ({placeholders})", [params[key] for key in order])
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def search(raw_query: str, page: int = 1, *, version: int, columns=None) -> SearchOutcome:
    """The page-th PAGE_SIZE best matches of a query (pages beyond MAX_PAGES show the last).

    `columns` adds columns to each result row (see search_sql); each result keeps them, by
    name, in `columns`."""
    text = clean_query(raw_query)
    parsed = parse_query(text)
    page = min(max(page, 1), MAX_PAGES)
    outcome = SearchOutcome(parsed, page=page)
    if not parsed.words and not parsed.code and not parsed.code_prefix:
        return outcome
    spelling = check_spelling(parsed.words, version)
    corrections = spelling.alternatives
    trigram = trigram_available()
    # Trigram similarity is for words the vocabulary does not know: a known word, or the start
    # of one, is matched exactly by full-text search, and its trigram neighbours ("electrical"
    # for "electrician") would only add noise.
    trigram_words = list(spelling.unknown)
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
        "offset": (page - 1) * PAGE_SIZE,
    }
    params.update({f"w{i}": word for i, word in enumerate(trigram_words)})
    sql = search_sql(
        trigram=trigram,
        trigram_words=len(trigram_words),
        code=bool(parsed.code or parsed.code_prefix),
        columns=columns,
    )
    if parsed.code:
        params["code_like"] = parsed.code
    rows = fetch(sql, params)
    if not rows and page > 1:
        # A page past the last result (an old link): show the first page instead.
        outcome.page, params["offset"] = 1, 0
        rows = fetch(sql, params)
    outcome.corrections = corrections
    for row in rows:
        outcome.total = row["total"]
        outcome.results.append(
            SearchResult(
                title=row["title"],
                url=result_url(row["slug"], row["soc_code"], row["level"]),
                soc_code=row["soc_code"],
                level=row["level"],
                has_profile=row["has_profile"],
                reasons=describe(row, parsed, corrections),
                snippet=split_highlights(row["summary_html"]) if row["summary_html"] else [],
                score=float(row["score"]),
                columns={name: row[name] for name in row if name not in ENGINE_COLUMNS},
            )
        )
    if not rows:
        outcome.suggestions = suggestions_for(parsed, version, trigram)
    return outcome
