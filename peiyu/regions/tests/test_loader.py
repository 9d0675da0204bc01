import csv
import gzip

import pytest
from django.core.management import CommandError, call_command

from peiyu.core.models import AuditEntry
from peiyu.regions.codes import current_code
from peiyu.regions.models import Level, Region
from peiyu.regions.services import DATA_DIR, load_regions

pytestmark = pytest.mark.django_db


def _count_shipped(prefix: str) -> int:
    total = 0
    for name in ["streets.csv.gz", "villages.csv.gz"]:
        with gzip.open(DATA_DIR / name, "rt", encoding="utf-8") as handle:
            total += sum(1 for row in csv.DictReader(handle) if row["code"].startswith(prefix))
    return total


def test_liyang_loads_with_its_14_towns_and_244_villages() -> None:
    result = load_regions(under="320481")
    county = Region.objects.get(code="320481000000")
    assert county.name == "溧阳市"
    assert county.parent.name == "常州市"  # type: ignore[union-attr]
    assert county.parent.parent.name == "江苏省"  # type: ignore[union-attr]
    towns = Region.objects.filter(parent=county)
    assert towns.count() == 14
    assert set(towns.values_list("name", flat=True)) >= {"戴埠镇", "天目湖镇", "昆仑街道", "常州监狱"}
    assert Region.objects.subtree("320481").filter(level=Level.VILLAGE).count() == 244
    assert result.created == 3 + 14 + 244
    assert AuditEntry.objects.filter(event="regions.load", object_pk="320481").count() == 1


def test_loading_again_changes_nothing_and_keeps_edited_facts() -> None:
    load_regions(under="320481")
    Region.objects.filter(code="320481103000").update(population=61000, is_urban=True)
    Region.objects.filter(code="320481106000").update(name="旧名称")
    again = load_regions(under="320481")
    assert (again.created, again.updated) == (0, 1)
    daibu = Region.objects.get(code="320481103000")
    assert (daibu.population, daibu.is_urban) == (61000, True)
    assert Region.objects.get(code="320481106000").name == "天目湖镇"


def test_streets_and_residents_committees_are_urban() -> None:
    load_regions(under="320481")
    assert Region.objects.get(code="320481001000").is_urban is True  # 昆仑街道
    assert Region.objects.get(code="320481103000").is_urban is False  # 戴埠镇
    assert Region.objects.get(code="320481000000").is_urban is None


def test_a_city_whose_county_code_is_its_own_stands_for_both() -> None:
    load_regions(under="4419")  # 东莞市: towns hang directly under the city
    dongguan = Region.objects.get(code="441900000000")
    assert dongguan.level == Level.CITY
    assert Region.objects.filter(parent=dongguan, level=Level.TOWN).count() == _count_shipped("441900") - (
        Region.objects.subtree("4419").filter(level=Level.VILLAGE).count()
    )


def test_all_of_jiangsu_matches_the_shipped_counts() -> None:
    load_regions(under="32")
    assert Region.objects.subtree("32").filter(
        level__in=[Level.TOWN, Level.VILLAGE]
    ).count() == _count_shipped("32")
    assert Region.objects.filter(code="320614000000", name="海门区").exists()


def test_command_refuses_malformed_and_unknown_codes() -> None:
    with pytest.raises(CommandError, match="not a division code"):
        call_command("load_regions", "--under", "3204x")
    with pytest.raises(CommandError, match="No region in the shipped data"):
        call_command("load_regions", "--under", "99")
    assert not Region.objects.exists()


def test_old_codes_resolve_to_current_ones() -> None:
    assert current_code("320684") == "320614000000"  # 海门市 → 海门区
    assert current_code("320684102000") == "320614102000"
    assert current_code("510132") == "510118000000"  # 新津县 → 新津区
    assert current_code("320481103") == "320481103000"  # unchanged
