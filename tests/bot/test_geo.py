"""The grid index finds the same nearest places as a full scan, and copes with odd points."""

from __future__ import annotations

import random

import pytest

from bot.geo import GridIndex, distance_m


def test_distance_changchun_airport_to_yanji_airport() -> None:
    assert round(distance_m(43.9961, 125.6853, 42.8817, 129.45) / 1000) == 328


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    points = [(f"p{i}", rng.uniform(36, 46), rng.uniform(110, 131)) for i in range(3000)]
    index = GridIndex(points)
    for _ in range(50):
        lat, lon = rng.uniform(36, 46), rng.uniform(110, 131)
        expected = sorted(((distance_m(lat, lon, plat, plon), pid) for pid, plat, plon in points))
        expected = [(pid, d) for d, pid in expected if d <= 100_000][:5]
        assert index.nearest(lat, lon, k=5) == expected


@pytest.mark.parametrize(("lat", "lon"), [(0, 0), (90, 0), (-90, 180), (91, 0), (45, 181)])
def test_far_or_invalid_points_find_nothing(lat: float, lon: float) -> None:
    index = GridIndex([("a", 42.88, 129.45)])
    assert index.nearest(lat, lon) == []


def test_empty_index() -> None:
    assert GridIndex([]).nearest(42.0, 129.0) == []
