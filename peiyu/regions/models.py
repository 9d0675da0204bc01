from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.divisions import LEVEL_DIGITS, prefix_of


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")


LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE]


class RegionQuerySet(ScopedQuerySet["Region"]):
    region_lookup = ""

    def subtree(self, code: str) -> Self:
        return self.filter(code__startswith=prefix_of(code))

    def children_of(self, region: Region) -> Self:
        return self.filter(parent=region).order_by("code")

    def search(self, text: str) -> Self:
        text = text.strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(code__startswith=text)
        return self.filter(name__contains=text)


class Region(models.Model):
    """A node of the administrative tree, keyed by its 12-digit statistical code."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(
        _("resident population"),
        null=True,
        blank=True,
        help_text=_("Resident population; per-10,000 indicators divide by it."),
    )
    is_urban = models.BooleanField(
        _("urban"), null=True, blank=True, help_text=_("Empty for levels above the town.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="region_parent_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=[level.value for level in Level]), name="region_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("code")),
                name="region_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: LEVEL_DIGITS[self.level]]

    @property
    def short_code(self) -> str:
        """The code as it is usually written: 320481 for a county, 320481103 for a town."""
        return self.prefix

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    def ancestors(self) -> list[Region]:
        """Return the chain from the province down to the parent, in one query."""
        codes = [self.code[:n].ljust(12, "0") for n in LEVEL_DIGITS.values() if n < len(self.prefix)]
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found and c != self.code]

    def path_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self] if r.name != "市辖区")
