from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

from peiyu.lib import uscc

# An independent, deliberately plain implementation of both check characters, so the tests do not
# check the module against itself.
OUTER_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
INNER_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def outer_check(code17: str) -> str:
    total = 0
    for i, char in enumerate(code17, start=1):
        total += OUTER_ALPHABET.index(char) * (3 ** (i - 1) % 31)
    return OUTER_ALPHABET[(31 - total % 31) % 31]


def inner_check(body8: str) -> str:
    total = sum(
        INNER_ALPHABET.index(char) * w for char, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    r = 11 - total % 11
    if r == 10:
        return "X"
    if r == 11:
        return "0"
    return str(r)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The site's default language is Chinese; these tests read the English msgids.
    with translation.override("en"):
        yield


def error_of(value: str) -> uscc.USCCError:
    with pytest.raises(uscc.USCCError) as caught:
        uscc.validate(value)
    return caught.value


def test_weights_are_powers_of_three_mod_31() -> None:
    assert [3 ** (i - 1) % 31 for i in range(1, 18)] == [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ]  # fmt: skip


@pytest.mark.parametrize(
    "code",
    [
        "53100000500019795A",
        "53100000500021326D",
        "51100000500002862F",
        "51100000500009247D",
        "51100000500012681T",
        "51100000MJ0000632D",
        "53100000500021676K",
    ],
)
def test_real_codes_pass(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.validate_civil_affairs(code) == code
    assert code[16] == inner_check(code[8:16])
    assert code[17] == outer_check(code[:17])


@pytest.mark.parametrize("code", ["531000005000074012", "53100000500020462H"])
def test_real_codes_with_a_wrong_check_character_fail_at_position_18(code: str) -> None:
    expected = outer_check(code[:17])
    assert expected != code[17]
    error = error_of(code)
    assert error.position == 18
    assert str(error) == (
        f"The check character (position 18) should be “{expected}”, not “{code[17]}”; "
        "look for a typing error anywhere in the code."
    )


@pytest.mark.parametrize("code", ["51100000500000024G", "52110101MJ0018899X"])
def test_real_codes_failing_both_checks_report_the_inner_one_first(code: str) -> None:
    # These two also fail the GB 11714 check on position 17, which validate() reports before the
    # outer check (it narrows the typing error down to positions 9–17).
    assert code[17] != outer_check(code[:17])
    expected = inner_check(code[8:16])
    assert expected != code[16]
    error = error_of(code)
    assert error.position == 17
    assert f"should be “{expected}”, not “{code[16]}”" in str(error)
    assert str(error).startswith("Position 17 (the check character of the organization code")


def test_code_starting_with_a_letter_passes_though_stdnum_rejects_it() -> None:
    body = "MJ000063"
    code17 = "N2" + "110000" + body + inner_check(body)
    code = code17 + outer_check(code17)
    assert uscc.validate(code) == code
    assert uscc.make(department_type="N2", division="110000", body8=body) == code
    # Why stdnum is wrapped: its validate() wants digits in positions 1–8 …
    assert not stdnum_uscc.is_valid(code)
    with pytest.raises(stdnum_exceptions.InvalidFormat):
        stdnum_uscc.validate(code)
    # … although its check-character arithmetic is right for such codes.
    assert stdnum_uscc.calc_check_digit(code17) == code[17]


@pytest.mark.parametrize("prefix", ["A1", "Y1", "N1", "N3", "N9"])
def test_other_letter_departments_pass(prefix: str) -> None:
    code = uscc.make(department_type=prefix, division="320481", body8="MA1XY2K7")
    assert uscc.validate(code) == code
    assert not stdnum_uscc.is_valid(code)


def test_check_characters_match_the_independent_implementation() -> None:
    assert uscc.check_character("53100000500019795") == outer_check("53100000500019795") == "A"
    assert uscc.inner_check_character("50001979") == inner_check("50001979") == "5"
    with pytest.raises(ValueError):
        uscc.check_character("5310000050001979")  # 16 characters
    with pytest.raises(ValueError):
        uscc.check_character("5310000050001979O")


def test_inner_check_character_covers_x_and_zero() -> None:
    # 11 - 10 → "X" and 11 - 0 → "0".
    bodies = (f"{n:08d}" for n in range(10_000))
    found = {inner_check(body): body for body in bodies}
    assert uscc.inner_check_character(found["X"]) == "X"
    assert uscc.inner_check_character(found["0"]) == "0"


departments = st.sampled_from(sorted(uscc.DEPARTMENTS))
alphabet_chars = st.sampled_from(OUTER_ALPHABET)
divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)
bodies = st.text(alphabet=OUTER_ALPHABET, min_size=8, max_size=8)


@st.composite
def made_codes(draw: st.DrawFn) -> str:
    return uscc.make(
        department_type=draw(departments) + draw(alphabet_chars),
        division=draw(divisions),
        body8=draw(bodies),
    )


@given(made_codes())
def test_made_codes_pass(code: str) -> None:
    assert uscc.validate(code) == code
    assert code[16] == inner_check(code[8:16])
    assert code[17] == outer_check(code[:17])


@given(made_codes())
def test_every_single_substitution_fails(code: str) -> None:
    # Weights 3^k mod 31 are never 0 mod 31 and 31 is prime, so changing one character in positions
    # 1–17 by d ≠ 0 changes the weighted sum by d·w ≢ 0 (mod 31): the outer check alone catches
    # every single substitution, whatever validate() reports first.
    for index in range(18):
        for char in OUTER_ALPHABET:
            if char == code[index]:
                continue
            changed = code[:index] + char + code[index + 1 :]
            if index < 17:
                assert outer_check(changed[:17]) != changed[17]
            with pytest.raises(uscc.USCCError) as caught:
                uscc.validate(changed)
            # The first problem found: the changed position itself (unknown department, letter in
            # 3–8, position 17 or 18), else 17 (GB 11714 check, for changes in 9–16) or 18 (the
            # outer check, for what the others miss: another known department, any type, a digit
            # in 3–8, changes in 9–16 by a multiple of 11 such as 1 → C).
            assert caught.value.position in {index + 1, 17, 18}


@given(made_codes(), st.integers(min_value=0, max_value=15))
def test_adjacent_transpositions_in_positions_1_to_17_fail(code: str, index: int) -> None:
    # Neighbouring weights differ by a factor 3, so swapping unequal neighbours changes the sum by
    # (a - b)(w - 3w) ≢ 0 (mod 31).
    if code[index] == code[index + 1]:
        return
    swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
    with pytest.raises(uscc.USCCError):
        uscc.validate(swapped)


def test_input_is_compacted() -> None:
    code = "51100000MJ0000632D"
    assert uscc.compact(" 5110-0000 mj00 0063 2d ") == code
    assert uscc.validate("51100000mj0000632d") == code
    full_width = code.translate({ord(c): ord(c) + 0xFEE0 for c in code})
    assert full_width == "５１１０００００ＭＪ００００６３２Ｄ"
    assert uscc.validate(full_width) == code
    assert uscc.validate("５１１０００００－ＭＪ００００６３２Ｄ\u3000") == code


def test_wrong_length_is_reported() -> None:
    error = error_of("53100000500019795")
    assert error.position is None
    assert str(error) == "The unified social credit code must be 18 characters long; this one has 17."


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_excluded_letters_give_their_position(letter: str) -> None:
    code = "53100000500019795A"
    error = error_of(code[:11] + letter + code[12:])
    assert error.position == 12
    assert str(error) == (
        f"Position 12 is “{letter}”: the letters I, O, Z, S and V are never used in the code."
    )


def test_lowercase_excluded_letter_is_reported_in_capitals() -> None:
    error = error_of("5310000050001979o5A")  # 19 characters: length comes first
    assert error.position is None
    error = error_of("531000005000i9795A")
    assert error.position == 13
    assert "“I”" in str(error)


def test_other_illegal_characters_give_their_position() -> None:
    error = error_of("5310000050001979*A")
    assert error.position == 17
    assert str(error).startswith("Position 17 is “*”, which is not allowed")
    assert error_of("53100000500019795会").position == 18


def test_division_must_be_digits() -> None:
    error = error_of("531A0000500019795A")
    assert error.position == 4
    assert str(error) == (
        "Positions 3–8 (the division code of the registration authority) must be digits; position 4 is “A”."
    )


def test_unknown_department_is_reported_at_position_1() -> None:
    code17 = "B3100000500019795"
    error = error_of(code17 + outer_check(code17))
    assert error.position == 1
    assert "Position 1 is “B”, which is not a registration department code" in str(error)


def test_civil_affairs_refuses_an_enterprise_code() -> None:
    enterprise = uscc.make(department_type="91", division="110000", body8="60003734")
    assert uscc.validate(enterprise) == enterprise
    with pytest.raises(uscc.USCCError) as caught:
        uscc.validate_civil_affairs(enterprise)
    assert caught.value.position == 1
    assert "starts with 5" in str(caught.value)
    assert "this one starts with “9”" in str(caught.value)


def test_civil_affairs_refuses_other_civil_affairs_types() -> None:
    code = uscc.make(department_type="54", division="110000", body8="MJ000063")
    with pytest.raises(uscc.USCCError) as caught:
        uscc.validate_civil_affairs(code)
    assert caught.value.position == 2
    assert "51, 52, 53 or 59" in str(caught.value)


def test_civil_affairs_checks_the_legal_form() -> None:
    code = uscc.make(department_type="52", division="110101", body8="MJ001889")
    assert uscc.validate_civil_affairs(code, "service_institution") == code
    with pytest.raises(uscc.USCCError) as caught:
        uscc.validate_civil_affairs(code, legal_form="association")
    assert caught.value.position == 2
    assert str(caught.value) == "A social association's code starts with 51; this one starts with “52”."
    with pytest.raises(ValueError, match="unknown legal form"):
        uscc.validate_civil_affairs(code, legal_form="company")


def test_civil_affairs_accepts_59_without_a_legal_form() -> None:
    code = uscc.make(department_type="59", division="110000", body8="MJ000063")
    assert uscc.validate_civil_affairs(code) == code
    with pytest.raises(uscc.USCCError):
        uscc.validate_civil_affairs(code, legal_form="foundation")


def test_legal_form_of() -> None:
    assert uscc.legal_form_of("51100000MJ0000632D") == "association"
    assert uscc.legal_form_of("52110101MJ0018899X") == "service_institution"
    assert uscc.legal_form_of("53100000500019795A") == "foundation"
    assert uscc.legal_form_of("59110000MJ0000631X") is None
    assert uscc.legal_form_of("91110000600037341L") is None


def test_make_refuses_bad_parts() -> None:
    with pytest.raises(ValueError):
        uscc.make(department_type="5", division="110000", body8="MJ000063")
    with pytest.raises(ValueError):
        uscc.make(department_type="51", division="11000", body8="MJ000063")
    with pytest.raises(ValueError):
        uscc.make(department_type="51", division="110000", body8="MJ00006O")  # letter O
    with pytest.raises(ValueError):
        uscc.make(department_type="B1", division="110000", body8="MJ000063")  # no department B


def test_message_is_lazy() -> None:
    with translation.override("zh-hans"):
        error = error_of("531000005000074012")
    # Rendered in whatever language is active when it is shown, not when it was raised.
    assert isinstance(error.message, Promise)
    assert str(error).startswith("The check character (position 18)")
    assert error.params == {"expected": "D", "actual": "2"}


def test_django_validator() -> None:
    uscc.django_validator("51100000MJ0000632D")
    with pytest.raises(ValidationError) as caught:
        uscc.django_validator("53100000500020462H")
    assert caught.value.code == "uscc"
    assert caught.value.messages == [
        "The check character (position 18) should be “K”, not “H”; look for a typing error anywhere in the code."
    ]
