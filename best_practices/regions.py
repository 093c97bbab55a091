"""UN M49 geographic regions, derived from a case's country (never typed by editors).
Source: best_practices/data/m49_regions.csv (UN Statistics Division M49 standard)."""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "m49_regions.csv"


@dataclass(frozen=True)
class M49Area:
    iso2: str
    name: str
    region: str
    sub_region: str
    intermediate_region: str

    @property
    def most_specific_region(self) -> str:
        """'Western Africa' rather than 'Sub-Saharan Africa': what readers filter by."""
        return self.intermediate_region or self.sub_region or self.region


@lru_cache(maxsize=1)
def m49_areas() -> dict[str, M49Area]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["iso2"]: M49Area(
                iso2=row["iso2"],
                name=row["name"],
                region=row["region"],
                sub_region=row["sub_region"],
                intermediate_region=row["intermediate_region"],
            )
            for row in csv.DictReader(handle)
        }


def area_for(country_code: str) -> M49Area | None:
    return m49_areas().get((country_code or "").upper())


def region_choices() -> list[str]:
    """Every region readers can filter by, sorted."""
    return sorted({area.most_specific_region for area in m49_areas().values() if area.region})
