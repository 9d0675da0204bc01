"""Every write of the incubation app, by sub-domain."""

from peiyu.incubation.services import graduation, incubators, intake, residencies, subsidies

__all__ = ["graduation", "incubators", "intake", "residencies", "subsidies"]
