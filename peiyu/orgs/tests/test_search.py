"""Search in the database gives exactly what the tokenizer's reference matcher says, on
whichever engine the suite runs (the suite runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest

from peiyu.lib.search import document, parse
from peiyu.orgs.models import Organization
from peiyu.testing import LIYANG, region

pytestmark = pytest.mark.django_db

NAMES = [
    "戴埠镇百姓议事堂",
    "溧阳市人民调解协会",
    "溧阳市社区矫正协会",
    "溧阳市法治宣传教育协会",
    "溧阳市企业法律顾问协会",
    "溧阳市社会组织孵化中心",
    "天目湖镇ABC志愿服务队（2024）",
    "南渡镇老年协会",
    "社渚镇邻里互助会",
    "上兴镇广场舞队",
    "百姓议事会",
    "议事堂百姓",
]
QUERIES = [
    "百姓",
    "议事堂",
    "bxyst",
    "bxy",
    "yishitang",
    "yst",
    "xiehui",
    "xh",
    "溧阳市",
    "协会",
    "调解协会",
    "百",
    "堂",
    "b",
    "abc",
    "2024",
    "ABC志愿",
    "志愿服务",
    "hui",
    "lysrmtjxh",
    "矫正",
    "不存在",
    "zz",
    "  ",
    "'; DROP TABLE x; --",
    '"百姓"',
    "百姓 议事",
    "OR",
    "*",
    "(",
    ":*",
    "&|!",
]


@pytest.fixture
def named(regions: None) -> dict[int, str]:
    county = region(LIYANG)
    created = Organization.objects.bulk_create(
        [
            Organization(
                name=name,
                source="filed",
                filing_number=f"F-{i:03d}",
                region=county,
                search_text=document(name, codes=[f"F-{i:03d}"]),
            )
            for i, name in enumerate(NAMES)
        ]
    )
    return {o.pk: o.name for o in created}


@pytest.mark.parametrize("text", QUERIES)
def test_the_engine_agrees_with_the_reference(named: dict[int, str], text: str) -> None:
    query = parse(text)
    found = set(Organization.objects.search(text).values_list("name", flat=True))
    if query is None:
        assert found == set(NAMES)  # an empty search filters nothing
        return
    expected = {name for name in NAMES if query.matches(set(document(name).split()))}
    assert found == expected


def test_examples_people_type(named: dict[int, str]) -> None:
    def names(text: str) -> set[str]:
        return set(Organization.objects.search(text).values_list("name", flat=True))

    assert names("bxyst") == {"戴埠镇百姓议事堂"}
    assert names("议事堂") == {"戴埠镇百姓议事堂", "议事堂百姓"}
    assert "溧阳市人民调解协会" in names("tiaojie")
    assert names("F-004") == {"溧阳市企业法律顾问协会"}
    assert len(names("协会")) == 5


def test_a_renamed_organization_is_found_by_its_new_name(named: dict[int, str]) -> None:
    organization = Organization.objects.get(name="上兴镇广场舞队")
    organization.name = "上兴镇腰鼓队"
    organization.refresh_search_text()
    organization.save(update_fields=["name", "search_text"])
    assert list(Organization.objects.search("腰鼓").values_list("name", flat=True)) == ["上兴镇腰鼓队"]
    assert not Organization.objects.search("广场舞").exists()
    organization.delete()
    assert not Organization.objects.search("腰鼓").exists()
