import datetime
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric

from peiyu.lib import idcard

TODAY = datetime.date(2026, 11, 22)


def plain_check(code17: str) -> str:
    # ISO 7064 MOD 11-2 written out, so the tests do not check the module against itself: weights
    # 2^(18-i) mod 11 for positions i = 1–17, and the character that makes the total 1 mod 11.
    total = sum(int(digit) * (2 ** (17 - i) % 11) for i, digit in enumerate(code17))
    return "10X98765432"[total % 11]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The site's default language is Chinese; these tests read the English msgids.
    with translation.override("en"):
        yield


def error_of(value: str, today: datetime.date = TODAY) -> idcard.IdCardError:
    with pytest.raises(idcard.IdCardError) as caught:
        idcard.validate(value, today=today)
    return caught.value


def with_check(code17: str) -> str:
    return code17 + plain_check(code17)


def test_weights_are_powers_of_two_mod_11() -> None:
    assert [2 ** (18 - i) % 11 for i in range(1, 18)] == [
        7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        # The sample number printed in GB 11643-1999 and on the specimen card.
        ("11010519491231002X", datetime.date(1949, 12, 31), "female"),
        # python-stdnum's doctest.
        ("360426199101010071", datetime.date(1991, 1, 1), "male"),
        # Specimen residence permits for Hong Kong / Macau and Taiwan residents.
        ("810000199408230021", datetime.date(1994, 8, 23), "female"),
        ("830000199201300022", datetime.date(1992, 1, 30), "female"),
    ],
)
def test_real_numbers_pass(number: str, born: datetime.date, sex: str) -> None:
    assert idcard.validate(number, today=TODAY) == number
    assert number[17] == plain_check(number[:17])
    assert stdnum_ric.calc_check_digit(number) == number[17]
    assert idcard.birth_date(number) == born
    assert idcard.sex(number) == sex


def test_made_numbers_for_liyang() -> None:
    man = idcard.make(region="320481", birth=datetime.date(1990, 5, 17), sequence=123)
    assert man == "320481199005171235"
    assert idcard.sex(man) == "male"
    woman = idcard.make(region="320481", birth=datetime.date(2000, 2, 29), sequence=8)
    assert woman == with_check("32048120000229008")
    assert idcard.sex(woman) == "female"
    assert idcard.birth_date(woman) == datetime.date(2000, 2, 29)


def test_check_character_covers_x_and_zero() -> None:
    assert idcard.check_character("11010519491231002") == "X"
    sequences = (f"32048119900517{n:03d}" for n in range(1000))
    found = {plain_check(code17): code17 for code17 in sequences}
    assert set(found) == set("0123456789X")
    for char, code17 in found.items():
        assert idcard.check_character(code17) == char
    with pytest.raises(ValueError):
        idcard.check_character("1101051949123100")
    with pytest.raises(ValueError):
        idcard.check_character("1101051949123100X")


def test_input_is_compacted() -> None:
    number = "11010519491231002X"
    assert idcard.compact(" 110105 19491231 002x ") == number
    assert idcard.validate("11010519491231002x", today=TODAY) == number
    full_width = "１１０１０５１９４９１２３１００２ｘ\u3000"
    assert idcard.validate(full_width, today=TODAY) == number


def test_wrong_length_is_reported() -> None:
    error = error_of("11010519491231002")
    assert error.position is None
    assert str(error) == "The identity card number must be 18 characters long; this one has 17."
    # The old 15-digit numbers are refused as well.
    assert error_of("110105491231002").params == {"length": 15}


def test_non_digit_gives_its_position() -> None:
    error = error_of("1101051949O231002X")
    assert error.position == 11
    assert str(error) == "Position 11 is “O”: positions 1–17 must be digits."
    assert error_of("11010519491231002会").position == 18
    assert error_of("X10105194912310021").position == 1


def test_bad_check_character() -> None:
    error = error_of("11010519491231002Y")
    assert error.position == 18
    assert str(error) == "The check character (position 18) must be a digit or X, not “Y”."


def test_wrong_check_character() -> None:
    error = error_of("110105194912310021")
    assert error.position == 18
    assert str(error) == (
        "The check character (position 18) should be “X”, not “1”; "
        "look for a typing error anywhere in the number."
    )


@pytest.mark.parametrize(
    "province", ["00", "10", "16", "20", "30", "40", "47", "55", "60", "66", "72", "84", "91"]
)
def test_unknown_province(province: str) -> None:
    error = error_of(with_check(province + "010519491231002"))
    assert error.position == 1
    assert str(error) == f"Positions 1–2 are “{province}”, which is not a province code."


@pytest.mark.parametrize("province", sorted(idcard.PROVINCES))
def test_every_province_passes(province: str) -> None:
    number = idcard.make(region=province + "0000", birth=datetime.date(1980, 1, 1), sequence=1)
    assert idcard.validate(number, today=TODAY) == number


def test_province_list_is_stdnums_plus_taiwan_residence_permits() -> None:
    stdnum_prefixes = {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82",
    }  # fmt: skip
    assert set(idcard.PROVINCES) == stdnum_prefixes | {"83"}


def test_year_before_1900() -> None:
    error = error_of(with_check("11010518991231002"))
    assert error.position == 7
    assert str(error) == "The year of birth (positions 7–10) is 1899, before 1900."
    assert idcard.validate(with_check("11010519000101002"), today=TODAY)


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_bad_month(month: str) -> None:
    error = error_of(with_check(f"1101051949{month}01002"))
    assert error.position == 11
    assert str(error) == f"The month of birth (positions 11–12) is “{month}”, which is not a month."


@pytest.mark.parametrize("date", ["19490231", "19490229", "19490431", "19491200", "19491232"])
def test_bad_day(date: str) -> None:
    error = error_of(with_check(f"110105{date}002"))
    assert error.position == 13
    assert str(error) == (
        f"The day of birth (positions 13–14) is “{date[6:]}”, which is not a day of {date[:4]}-{date[4:6]}."
    )


def test_leap_days() -> None:
    assert idcard.validate(with_check("11010520000229002"), today=TODAY)
    assert idcard.validate(with_check("11010519960229002"), today=TODAY)
    assert error_of(with_check("11010519000229002")).position == 13  # 1900 was not a leap year


def test_birth_in_the_future() -> None:
    number = with_check("32048120261123002")
    error = error_of(number)
    assert error.position == 7
    assert str(error) == "The date of birth (positions 7–14) is 2026-11-23, which is in the future."
    assert idcard.validate(number, today=datetime.date(2026, 11, 23)) == number


def test_today_defaults_to_the_local_date() -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(idcard.IdCardError) as caught:
        idcard.validate(with_check(f"320481{tomorrow:%Y%m%d}002"))
    assert caught.value.position == 7


def test_birth_date_and_sex_refuse_invalid_numbers() -> None:
    with pytest.raises(idcard.IdCardError):
        idcard.birth_date("110105194912310021")
    with pytest.raises(idcard.IdCardError):
        idcard.sex("110105194902300021")


def test_make_refuses_bad_parts() -> None:
    birth = datetime.date(1980, 1, 1)
    with pytest.raises(ValueError, match="6-digit"):
        idcard.make(region="32048", birth=birth, sequence=1)
    with pytest.raises(ValueError, match="6-digit"):
        idcard.make(region="32048A", birth=birth, sequence=1)
    with pytest.raises(ValueError, match="0 to 999"):
        idcard.make(region="320481", birth=birth, sequence=1000)
    with pytest.raises(ValueError, match="0 to 999"):
        idcard.make(region="320481", birth=birth, sequence=-1)
    with pytest.raises(idcard.IdCardError):
        idcard.make(region="920481", birth=birth, sequence=1)
    with pytest.raises(idcard.IdCardError):
        idcard.make(region="320481", birth=datetime.date(1899, 12, 31), sequence=1)


regions = st.sampled_from(sorted(idcard.PROVINCES)).flatmap(
    lambda province: st.text(alphabet="0123456789", min_size=4, max_size=4).map(lambda rest: province + rest)
)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def made_numbers(draw: st.DrawFn) -> str:
    return idcard.make(region=draw(regions), birth=draw(births), sequence=draw(sequences))


@given(made_numbers())
def test_made_numbers_pass(number: str) -> None:
    assert idcard.validate(number, today=TODAY) == number
    assert number[17] == plain_check(number[:17])
    assert idcard.birth_date(number) == datetime.date(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )
    assert idcard.sex(number) == ("male" if number[16] in "13579" else "female")


@given(made_numbers())
def test_every_single_substitution_fails(number: str) -> None:
    # The weights 2^k mod 11 are never 0 and 11 is prime, so changing a digit in positions 1–17 by
    # d (0 < |d| ≤ 9) changes the total by d·w ≢ 0 (mod 11): the check character alone catches every
    # single substitution, whatever validate() reports first.
    fields = {range(0, 2): {1}, range(2, 6): set(), range(6, 14): {7, 11, 13}, range(14, 18): set()}
    for index in range(18):
        allowed = {index + 1, 18}.union(*(starts for span, starts in fields.items() if index in span))
        for char in "0123456789X":
            if char == number[index]:
                continue
            changed = number[:index] + char + number[index + 1 :]
            if index < 17 and char != "X":
                assert plain_check(changed[:17]) != changed[17]
            with pytest.raises(idcard.IdCardError) as caught:
                idcard.validate(changed, today=TODAY)
            assert caught.value.position in allowed


@given(made_numbers(), st.integers(min_value=0, max_value=15))
def test_adjacent_transpositions_in_positions_1_to_17_fail(number: str, index: int) -> None:
    # Neighbouring weights w and 2w differ by w ≢ 0 (mod 11), so swapping unequal neighbours a, b
    # changes the total by (a - b)·w ≢ 0.
    if number[index] == number[index + 1]:
        return
    swapped = number[:index] + number[index + 1] + number[index] + number[index + 2 :]
    with pytest.raises(idcard.IdCardError):
        idcard.validate(swapped, today=TODAY)


def test_message_is_lazy() -> None:
    with translation.override("zh-hans"):
        error = error_of("110105194912310021")
    # Rendered in whatever language is active when it is shown, not when it was raised.
    assert isinstance(error.message, Promise)
    assert str(error).startswith("The check character (position 18)")
    assert error.params == {"expected": "X", "actual": "1"}


def test_django_validator() -> None:
    idcard.django_validator("11010519491231002X")
    with pytest.raises(ValidationError) as caught:
        idcard.django_validator("110105194912310021")
    assert caught.value.code == "idcard"
    assert caught.value.messages == [
        "The check character (position 18) should be “X”, not “1”; look for a typing error anywhere in the number."
    ]
