"""A grid spatial index: nearest places to a point, fast with 100,000 places."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable

EARTH_M = 6_371_000.0
CHINA_BOX = (
    18.0,
    54.0,
    73.0,
    135.5,
)  # lat min, lat max, lon min, lon max: a generous box around China


# Boxes inside CHINA_BOX that hold no Chinese territory, each kept clear of the border (a visitor in
# Hunchun, Dandong or Erenhot must never be told they are abroad): lat min, lat max, lon min, lon max.
NOT_CHINA: tuple[tuple[float, float, float, float], ...] = (
    (33.0, 38.7, 124.6, 131.0),  # South Korea (Seoul, Busan, Jeju)
    (24.0, 35.0, 128.5, 146.0),  # southern Japan and Okinawa
    (35.0, 45.0, 131.3, 146.0),  # Vladivostok, the Sea of Japan, Honshu, Hokkaido
    (44.5, 50.0, 96.0, 114.0),  # Mongolia (Ulaanbaatar)
    (42.5, 54.0, 73.0, 79.8),  # Kazakhstan (Almaty)
    (18.0, 30.5, 73.0, 78.5),  # northern India (Delhi)
    (18.0, 26.5, 78.5, 97.5),  # India, Bangladesh, Myanmar
    (18.0, 21.4, 97.5, 107.2),  # Laos, Thailand, northern Vietnam (Hanoi)
    (18.0, 21.0, 118.0, 135.5),  # the Philippines and the sea east of them
)


def in_china(lat: float, lon: float) -> bool:
    """True when the point lies around China (a place record, or a user's shared location).

    A generous box with its clearly foreign parts cut out: near a border the answer is yes.
    """
    lat_min, lat_max, lon_min, lon_max = CHINA_BOX
    if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
        return False
    return not any(a <= lat <= b and c <= lon <= d for a, b, c, d in NOT_CHINA)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


class GridIndex:
    """Points bucketed into cells of `cell_deg` degrees, searched ring by ring outward."""

    def __init__(self, points: Iterable[tuple[str, float, float]], cell_deg: float = 0.25) -> None:
        self.cell_deg = cell_deg
        self.cells: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
        for point in points:
            self.cells[self._cell(point[1], point[2])].append(point)
        self.size = sum(len(v) for v in self.cells.values())

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg)

    def nearest(
        self, lat: float, lon: float, k: int = 5, max_m: float = 100_000.0
    ) -> list[tuple[str, float]]:
        """Up to `k` (id, metres) pairs within `max_m`, nearest first."""
        if not self.cells or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return []
        row, col = self._cell(lat, lon)
        # The narrowest a cell can be around here (longitude shrinks towards the poles).
        cos_lat = max(math.cos(math.radians(min(89.0, abs(lat) + self.cell_deg * 4))), 0.01)
        cell_m = self.cell_deg * 111_320.0 * cos_lat
        heap: list[tuple[float, str]] = []
        ring = 0
        max_ring = int(max_m / cell_m) + 2
        while ring <= max_ring:
            for cell in _ring(row, col, ring):
                for point_id, plat, plon in self.cells.get(cell, ()):
                    d = distance_m(lat, lon, plat, plon)
                    if d <= max_m:
                        heapq.heappush(heap, (d, point_id))
            if len(heap) >= k and heapq.nsmallest(k, heap)[-1][0] <= ring * cell_m:
                break
            ring += 1
        return [(pid, d) for d, pid in heapq.nsmallest(k, heap)]


def _ring(row: int, col: int, r: int) -> list[tuple[int, int]]:
    """The cells at Chebyshev distance exactly r around (row, col)."""
    if r == 0:
        return [(row, col)]
    cells = [(row + dr, col + dc) for dr in (-r, r) for dc in range(-r, r + 1)]
    cells += [(row + dr, col + dc) for dc in (-r, r) for dr in range(-r + 1, r)]
    return cells
