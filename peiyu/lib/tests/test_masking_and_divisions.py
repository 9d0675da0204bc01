import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peiyu.lib import divisions
from peiyu.lib.masking import mask_value


def test_identity_card_keeps_first_six_and_last_four() -> None:
    assert mask_value("32048119800101123X") == "320481********123X"


def test_mobile_keeps_first_three_and_last_four() -> None:
    assert mask_value("13912345678") == "139****5678"


def test_empty_values_stay_empty() -> None:
    assert mask_value("") == ""
    assert mask_value(None) == ""


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters=" -"), min_size=1, max_size=40))
def test_other_values_keep_only_their_last_quarter(value: str) -> None:
    if re.fullmatch(r"1\d{10}|\d{15}|\d{17}[\dXx]", value):
        return  # identity-card and phone shapes have their own rules, tested above
    if value == "None":
        return  # auditlog passes an empty field as the text "None"; it stays readable
    masked = mask_value(value)
    hidden = len(value) - len(value) // 4
    assert len(masked) == len(value)
    assert masked[:hidden] == "*" * hidden
    assert masked[hidden:] == value[hidden:]


@given(st.from_regex(r"\A1\d{10}\Z"))
def test_every_mobile_number_hides_its_middle_four(phone: str) -> None:
    assert mask_value(phone) == phone[:3] + "****" + phone[-4:]


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("32", "province", "32"),
        ("3204", "city", "3204"),
        ("320481", "county", "320481"),
        ("320481103", "town", "320481103"),
        ("320481103201", "village", "320481103201"),
        ("320481000000", "county", "320481"),
    ],
)
def test_levels_and_prefixes_are_read_from_the_code(code: str, level: str, prefix: str) -> None:
    assert divisions.level_of(code) == level
    assert divisions.prefix_of(code) == prefix
    assert len(divisions.full_code(code)) == 12


@pytest.mark.parametrize("bad", ["", "3", "32048", "3204811", "abc", "3204811030011"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(divisions.CodeError):
        divisions.full_code(bad)


def test_urban_and_rural_from_the_code_segments() -> None:
    assert divisions.is_urban_town("320481001000")  # 昆仑街道
    assert not divisions.is_urban_town("320481103000")  # 戴埠镇
    assert divisions.is_urban_village("320481103001")  # a residents' committee
    assert not divisions.is_urban_village("320481103201")  # a villagers' committee
    assert divisions.is_urban_village("320481400498")  # like a residents' committee
    assert not divisions.is_urban_village("320481400598")  # like a villagers' committee
