"""Full-text search for Chinese organization names, the same on SQLite FTS5 and PostgreSQL.

A *search document* is a space-separated string of tokens kept in a TEXT column. Tokens are
:func:`normalize`-d: lowercase letters, digits and Han characters only, never a space, quote or
punctuation mark, so SQLite's FTS5 ``unicode61 remove_diacritics 0`` tokenizer and PostgreSQL's
``array_to_tsvector(string_to_array(search_text, ' '))`` see exactly the same tokens. Store only
what :func:`document` returns: ``array_to_tsvector`` rejects the empty lexeme a double space makes.

From each name :func:`document` makes:

* the overlapping character bigrams of the normalized name, plus its last character alone, so
  that every character starts some token (百姓议事堂 → 百姓 姓议 议事 事堂 堂);
* the pinyin suffixes, full and initials, starting at each of the first ``MAX_PINYIN_STARTS``
  syllables (baixingyishitang … tang, bxyst … t); a run of non-Han letters and digits counts as
  one syllable and stands for itself in the initials;
* each code (credit code, filing number) whole.

Every token is cut to ``MAX_TOKEN`` (64) characters and pinyin suffixes start only within the
first ``MAX_PINYIN_STARTS`` (30) syllables, so an n-character name yields at most n − 1 bigrams,
one unigram and 2 × 30 pinyin tokens, none longer than 64 characters.

:func:`parse` turns what someone typed into a :class:`Query`: all bigrams of the query present,
or (for an ASCII query) some token starting with the query, which finds pinyin, initials and code
prefixes. A one-character query is a prefix match only.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from pypinyin.constants import RE_HANS

MAX_TOKEN = 64
"""Tokens and the query text are cut to this many characters; a prefix query stays a prefix."""

MAX_PINYIN_STARTS = 30
"""Pinyin suffix tokens start only at the first this-many syllables of each name."""

_MAX_INPUT = 1024  # characters of a query read at all: bounds the work an arbitrary GET parameter costs

# Python 3.11 (Unicode 14) counts these as letters but SQLite 3.40's unicode61 tables (older
# Unicode, where they were spacing marks) count them as separators: drop them like punctuation.
_SQLITE_SEPARATORS = frozenset(map(chr, [*range(0x19B0, 0x19C1), 0x19C8, 0x19C9, 0x1CF2, 0x1CF3]))
# unicode61 folds final sigma to σ; str.lower() produces ς at the end of a word.
_SQLITE_FOLD = str.maketrans({"ς": "σ"})


def normalize(text: str) -> str:
    """Return ``text`` as NFKC, lowercase, letters and digits only (Han included)."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_SQLITE_FOLD)
    kept = "".join(ch for ch in folded if ch.isalnum() and ch not in _SQLITE_SEPARATORS)
    # Dropping punctuation can bring together characters that compose (Hangul jamo ᄀ-ᅡ → 가).
    return unicodedata.normalize("NFKC", kept)


def is_han(ch: str) -> bool:
    """Tell whether ``ch`` is a character pypinyin reads as Han (〇 and compatibility ideographs too)."""
    return RE_HANS.match(ch) is not None


def document(*texts: str, codes: Iterable[str] = ()) -> str:
    """Build the search document for one or more names of the same thing and its codes."""
    tokens: dict[str, None] = {}  # an ordered set: stable output, so an unchanged name saves unchanged
    for text in texts:
        normalized = normalize(text)
        tokens.update(dict.fromkeys(_grams(normalized)))
        tokens.update(dict.fromkeys(_pinyin_suffixes(normalized)))
    for code in codes:
        tokens[normalize(code)[:MAX_TOKEN]] = None
    tokens.pop("", None)
    return " ".join(tokens)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _grams(text: str) -> list[str]:
    """Return the bigrams of ``text`` and its last character, so that every character starts a token."""
    return [*_bigrams(text), text[-1:]]


def _syllables(text: str) -> list[tuple[str, str]]:
    """Return (full pinyin, initial) per syllable of normalized ``text``; a non-Han run is one syllable."""
    syllables: list[tuple[str, str]] = []
    for han, run in itertools.groupby(text, key=is_han):
        chunk = "".join(run)
        if not han:
            syllables.append((chunk, chunk))
            continue
        # Whole Han runs, so that pypinyin picks a heteronym's reading from the phrase (银行 → hang).
        # A character pypinyin cannot read comes back as itself: it is its own initial.
        syllables.extend((s, s[0] if s.isascii() else s) for s in lazy_pinyin(chunk) if s)
    return syllables


def _pinyin_suffixes(text: str) -> Iterator[str]:
    syllables = _syllables(text)
    for part in (0, 1):
        for start in range(min(len(syllables), MAX_PINYIN_STARTS)):
            # Each syllable has at least one character, so MAX_TOKEN syllables fill a token.
            window = syllables[start : start + MAX_TOKEN]
            yield "".join(syllable[part] for syllable in window)[:MAX_TOKEN]


@dataclass(frozen=True)
class Term:
    """A token that must be present: exactly, or as the prefix of some token."""

    token: str
    prefix: bool = False

    def matches(self, tokens: set[str]) -> bool:
        """Tell whether the document with ``tokens`` has this term."""
        if self.prefix:
            return any(token.startswith(self.token) for token in tokens)
        return self.token in tokens


@dataclass(frozen=True)
class Query:
    """A parsed search: it matches when every term of at least one alternative is present."""

    text: str
    alternatives: tuple[tuple[Term, ...], ...]

    @property
    def needs_substring_check(self) -> bool:
        """Tell whether callers should also require ``name__icontains=query.text``.

        For a Han query of three or more characters the bigram condition is a superset of
        "``text`` is a substring of ``normalize(name)``" (议事 and 事堂 may be far apart). Filter
        on :attr:`text`, the normalized query, with ``icontains``: SQLite's LIKE ignores ASCII case
        anyway and ``icontains`` makes PostgreSQL agree. It misses names whose matching span is
        not already normalized (a space, punctuation or full-width letters inside it); the
        full-text condition alone never misses.
        """
        return len(self.text) >= 3 and any(is_han(ch) for ch in self.text)

    def fts5(self) -> str:
        """Return the expression for ``search_text MATCH %s`` on the FTS5 table."""
        return self._render(_fts5_term, " AND ", " OR ")

    def tsquery(self) -> str:
        """Return the literal for ``%s::tsquery`` against ``array_to_tsvector(...)``."""
        return self._render(_tsquery_term, " & ", " | ")

    def matches(self, tokens: set[str]) -> bool:
        """Evaluate the query in Python over a document's tokens, as both databases do."""
        return any(all(term.matches(tokens) for term in group) for group in self.alternatives)

    def _render(self, term: Callable[[Term], str], and_: str, or_: str) -> str:
        groups = [and_.join(term(t) for t in group) for group in self.alternatives]
        if len(groups) > 1:  # parenthesize rather than rely on each engine's precedence rules
            groups = [
                f"({g})" if len(group) > 1 else g for g, group in zip(groups, self.alternatives, strict=True)
            ]
        return or_.join(groups)


def _fts5_term(term: Term) -> str:
    # A double-quoted FTS5 string is one phrase whatever it holds; a quote inside is doubled.
    quoted = '"' + term.token.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _tsquery_term(term: Term) -> str:
    # Quoted tsquery lexemes are taken verbatim; quotes are doubled and backslashes escape.
    quoted = "'" + term.token.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if term.prefix else quoted


def parse(query: str) -> Query | None:
    """Parse what someone typed; return None when nothing searchable is left."""
    text = normalize(query[:_MAX_INPUT])[:MAX_TOKEN]
    if not text:
        return None
    if len(text) == 1:
        # 百* hits the bigram 百姓 and a name's trailing 百; b* hits pinyin and codes as well.
        return Query(text, ((Term(text, prefix=True),),))
    alternatives = [tuple(Term(bigram) for bigram in dict.fromkeys(_bigrams(text)))]
    if text.isascii():  # letters and digits only: could be pinyin, initials or a code
        alternatives.append((Term(text, prefix=True),))
    return Query(text, tuple(alternatives))
