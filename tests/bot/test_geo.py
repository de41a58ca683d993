"""The grid index finds the same nearest places as a full scan, and copes with odd points."""

from __future__ import annotations

import random

import pytest

from bot.geo import GridIndex, distance_m, in_china


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


def test_in_china_says_yes_near_every_border_and_no_in_the_neighbours() -> None:
    inside = {
        "Hunchun": (42.87, 130.36),
        "Dandong": (40.12, 124.38),
        "Changbai county": (41.42, 128.2),
        "Erenhot": (43.65, 111.98),
        "Khorgas": (44.2, 80.4),
        "Ruili": (24.0, 97.85),
        "Dongxing": (21.55, 107.97),
        "Suifenhe": (44.4, 131.15),
        "Manzhouli": (49.6, 117.4),
    }
    outside = {
        "Seoul": (37.57, 126.98),
        "Tokyo": (35.68, 139.7),
        "Vladivostok": (43.12, 131.9),
        "Ulaanbaatar": (47.9, 106.9),
        "Almaty": (43.24, 76.9),
        "Delhi": (28.6, 77.2),
        "Hanoi": (21.03, 105.85),
        "Paris": (48.85, 2.35),
    }
    assert [name for name, point in inside.items() if not in_china(*point)] == []
    assert [name for name, point in outside.items() if in_china(*point)] == []
