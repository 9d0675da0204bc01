import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from peiyu.lib.search import MAX_PINYIN_STARTS, MAX_TOKEN, Query, Term, document, normalize, parse

HAN = "百姓议事堂溧阳市协会人民调解"
NAME_ALPHABET = HAN + "abcXYZ0129（）·-、 \"'\\*:&|()"
names = st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=80)


def tokens_of(doc: str) -> set[str]:
    return set(doc.split(" "))


# A tiny evaluator of the two rendered query languages, written independently of the module, so
# that the strings themselves (not only Query's structure) are checked to mean the same thing.
_LEXERS = {
    "fts5": re.compile(r'\s*(?:"(?P<token>(?:[^"]|"")*)"(?P<prefix>\*)?|(?P<op>AND|OR|\(|\)))'),
    "tsquery": re.compile(r"\s*(?:'(?P<token>(?:[^'\\]|''|\\.)*)'(?P<prefix>:\*)?|(?P<op>&|\||\(|\)))"),
}
_OPERATORS = {"AND": "and", "&": "and", "OR": "or", "|": "or", "(": "(", ")": ")"}


def _unquote(language: str, raw: str) -> str:
    if language == "fts5":
        return raw.replace('""', '"')
    return re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", raw)


def _lex(language: str, expression: str) -> list[str | Term]:
    items: list[str | Term] = []
    position = 0
    while position < len(expression):
        match = _LEXERS[language].match(expression, position)
        assert match is not None and match.end() > position, expression[position:]
        position = match.end()
        if match["op"]:
            items.append(_OPERATORS[match["op"]])
        else:
            items.append(Term(_unquote(language, match["token"]), prefix=bool(match["prefix"])))
    return items


def evaluate(language: str, expression: str, tokens: set[str]) -> bool:
    """Evaluate an FTS5 or tsquery expression over a document's tokens (AND binds tighter than OR)."""
    items = _lex(language, expression)

    def either() -> bool:
        value = both()
        while items and items[0] == "or":
            items.pop(0)
            value = both() | value  # no short-circuit: the whole expression must parse
        return value

    def both() -> bool:
        value = atom()
        while items and items[0] == "and":
            items.pop(0)
            value = atom() & value
        return value

    def atom() -> bool:
        item = items.pop(0)
        if item == "(":
            value = either()
            assert items.pop(0) == ")"
            return value
        assert isinstance(item, Term), item
        return any(t.startswith(item.token) for t in tokens) if item.prefix else item.token in tokens

    value = either()
    assert not items, items
    return value


def both_engines(query: Query, tokens: set[str]) -> bool:
    fts5 = evaluate("fts5", query.fts5(), tokens)
    assert fts5 == evaluate("tsquery", query.tsquery(), tokens) == query.matches(tokens)
    return fts5


# Documents


def test_document_of_a_plain_name() -> None:
    doc = document("百姓议事堂")
    assert doc == (
        "百姓 姓议 议事 事堂 堂 baixingyishitang xingyishitang yishitang shitang tang bxyst xyst yst st t"
    )
    assert {"百姓", "事堂", "堂", "baixingyishitang", "yishitang", "bxyst", "yst"} <= tokens_of(doc)


def test_document_of_a_mixed_name_and_codes() -> None:
    doc = document("溧阳市ABC志愿服务队（2024）", codes=["51320481MJ1234567X", "", "（）"])
    assert doc == (
        "溧阳 阳市 市a ab bc c志 志愿 愿服 服务 务队 队2 20 02 24 4 "
        "liyangshiabczhiyuanfuwudui2024 yangshiabczhiyuanfuwudui2024 shiabczhiyuanfuwudui2024 "
        "abczhiyuanfuwudui2024 zhiyuanfuwudui2024 yuanfuwudui2024 fuwudui2024 wudui2024 dui2024 2024 "
        "lysabczyfwd2024 ysabczyfwd2024 sabczyfwd2024 abczyfwd2024 zyfwd2024 yfwd2024 fwd2024 wd2024 d2024 "
        "51320481mj1234567x"  # empty codes, or codes of punctuation only, add nothing
    )


def test_document_of_several_names_keeps_them_apart() -> None:
    tokens = tokens_of(document("百姓", "议事"))
    assert {"百姓", "姓", "议事", "事", "baixing", "yishi", "bx", "ys"} <= tokens
    assert "姓议" not in tokens and "baixingyishi" not in tokens


def test_heteronyms_are_read_from_the_phrase() -> None:
    assert "hangyexiehui" in tokens_of(document("行业协会"))
    assert "yinhangyexiehui" in tokens_of(document("银行业协会"))
    assert "changle" in tokens_of(document("长乐"))
    assert "kuaijixiehui" in tokens_of(document("会计协会"))


def test_empty_documents() -> None:
    assert document() == ""
    assert document("（）·-、 ", codes=[""]) == ""


def test_a_long_name_is_capped() -> None:
    name = "".join(chr(0x4E00 + 97 * i) for i in range(180))  # 180 different Han characters
    tokens = document(name).split(" ")
    assert max(map(len, tokens)) == MAX_TOKEN
    pinyin = [t for t in tokens if t.isascii()]
    assert len(pinyin) == 2 * MAX_PINYIN_STARTS
    assert len(tokens) <= len(name) + 2 * MAX_PINYIN_STARTS


@given(st.text(max_size=60), st.lists(st.text(max_size=30), max_size=3))
def test_every_token_is_normalized_and_short(name: str, codes: list[str]) -> None:
    doc = document(name, codes=codes)
    assert doc == doc.strip() and "  " not in doc  # array_to_tsvector rejects empty lexemes
    for token in doc.split(" ") if doc else []:
        assert token == normalize(token) and " " not in token
        assert 0 < len(token) <= MAX_TOKEN


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    normalized = normalize(text)
    assert normalize(normalized) == normalized
    assert all(ch.isalnum() for ch in normalized)


def test_normalize() -> None:
    assert normalize("溧阳市ＡＢＣ志愿服务队（2024） ·-、") == "溧阳市abc志愿服务队2024"
    assert normalize("ΟΔΟΣ") == "οδοσ"  # unicode61 folds final sigma; so must we, to agree with it
    assert normalize("a\u19b0b\u1cf2c") == "abc"  # letters to Python, separators to SQLite's unicode61


# Queries


@pytest.mark.parametrize("text", ["", "  ", "（）·-、", '"*:&|()'])
def test_nothing_to_search(text: str) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    ("text", "fts5", "tsquery"),
    [
        ("bxyst", '("bx" AND "xy" AND "ys" AND "st") OR "bxyst"*', "('bx' & 'xy' & 'ys' & 'st') | 'bxyst':*"),
        ("议事堂", '"议事" AND "事堂"', "'议事' & '事堂'"),
        ("百", '"百"*', "'百':*"),
        ("B", '"b"*', "'b':*"),
        ("yi", '"yi" OR "yi"*', "'yi' | 'yi':*"),
        ("51320481", '("51" AND "13" AND "32" AND "20" AND "04" AND "48" AND "81") OR "51320481"*',
         "('51' & '13' & '32' & '20' & '04' & '48' & '81') | '51320481':*"),
        ("ABC 协会", '"ab" AND "bc" AND "c协" AND "协会"', "'ab' & 'bc' & 'c协' & '协会'"),
        ("哈哈哈", '"哈哈"', "'哈哈'"),  # a repeated bigram is asked for once
        ('"; DROP TABLE', '("dr" AND "ro" AND "op" AND "pt" AND "ta" AND "ab" AND "bl" AND "le") OR "droptable"*',
         "('dr' & 'ro' & 'op' & 'pt' & 'ta' & 'ab' & 'bl' & 'le') | 'droptable':*"),
        ("'||(a", '"a"*', "'a':*"),
    ],
)  # fmt: skip
def test_rendered_queries(text: str, fts5: str, tsquery: str) -> None:
    query = parse(text)
    assert query is not None
    assert (query.fts5(), query.tsquery()) == (fts5, tsquery)


def test_quotes_and_backslashes_cannot_break_out() -> None:
    # normalize() never lets them through; the renderers escape them all the same.
    query = Query("x", ((Term('a"b'), Term("c'd")), (Term("e\\", prefix=True),)))
    assert query.fts5() == '("a""b" AND "c\'d") OR "e\\"*'
    assert query.tsquery() == "('a\"b' & 'c''d') | 'e\\\\':*"
    for tokens in [{'a"b', "c'd"}, {"e\\f"}, {"a", "b"}]:
        both_engines(query, tokens)


def test_needs_substring_check() -> None:
    def needs(text: str) -> bool:
        query = parse(text)
        assert query is not None
        return query.needs_substring_check

    assert needs("议事堂") and needs("abc协会") and needs("议事 堂")
    assert not needs("议事") and not needs("百") and not needs("bxyst") and not needs("51320481")


def test_a_long_query_is_cut_like_tokens() -> None:
    query = parse("a" * 100)
    assert query is not None and query.text == "a" * MAX_TOKEN


def test_matches_by_hand() -> None:
    tokens = tokens_of(document("百姓议事堂", codes=["51320481MJ1234567X"]))
    searches: dict[str, bool] = {
        "百姓议事堂": True, "议事堂": True, "议事": True, "堂": True, "百": True, "姓": True,
        "bxyst": True, "yst": True, "yishi": True, "yishitang": True, "BaiXing": True, "b": True,
        "51320481": True, "51320481mj1234567x": True,
        "堂百": False, "议堂": False, "xingbai": False, "ishi": False, "1234567x": False, "会": False,
    }  # fmt: skip
    for text, expected in searches.items():
        query = parse(text)
        assert query is not None
        assert both_engines(query, tokens) is expected, text


def test_bigrams_are_a_superset_of_substrings() -> None:
    query = parse("议事堂")
    assert query is not None
    assert both_engines(query, tokens_of(document("议事会和事堂")))  # hence needs_substring_check


# Properties


@given(names, st.data())
def test_every_substring_of_a_name_finds_it(name: str, data: st.DataObject) -> None:
    normalized = normalize(name)
    if not normalized:
        return
    tokens = tokens_of(document(name))
    start = data.draw(st.integers(0, len(normalized) - 1))
    end = data.draw(st.integers(start + 1, len(normalized)))
    substring = normalized[start:end]
    if len(substring) >= 2:
        assert {substring[i : i + 2] for i in range(len(substring) - 1)} <= tokens
    query = parse(substring)
    assert query is not None and both_engines(query, tokens)


@pytest.mark.parametrize("style", [Style.NORMAL, Style.FIRST_LETTER])
@given(name=names, data=st.data())
def test_pinyin_from_an_early_syllable_finds_the_name(name: str, data: st.DataObject, style: Style) -> None:
    syllables = lazy_pinyin(normalize(name), style=style)  # a non-Han run comes back whole
    if not syllables:
        return
    start = data.draw(st.integers(0, min(len(syllables), MAX_PINYIN_STARTS) - 1))
    end = data.draw(st.integers(start + 1, len(syllables)))
    query = parse("".join(syllables[start:end]))
    assert query is not None and both_engines(query, tokens_of(document(name)))


queries = st.text(alphabet="百姓议事abxy12 '\"", max_size=8)
token_sets = st.sets(st.text(alphabet="百姓议事abxy12", min_size=1, max_size=6), max_size=12)


@given(queries, token_sets)
def test_both_renderings_mean_the_same(text: str, tokens: set[str]) -> None:
    query = parse(text)
    if query is not None:
        both_engines(query, tokens)
