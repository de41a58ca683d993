"""Map search links that work in China: Amap (高德), Baidu Maps and Apple Maps (Chinese map data in China).

Built only from the documented URL schemes (Google Maps is blocked in China, so it is left out):
- Amap URI API, 搜索查询 https://lbs.amap.com/api/uri-api/guide/search/search (updated 2024-08-20):
  https://uri.amap.com/search?keyword=…&center=lon,lat&city=…&view=map&src=…&callnative=1.
  The search service takes `center` in Amap's own GCJ-02 coordinates (its `coordinate=wgs84` switch
  is documented only for /marker, https://lbs.amap.com/api/uri-api/guide/mobile-web/point), so a
  WGS-84 point is converted to GCJ-02 here and the link declares `coordinate=gaode`.
- Baidu Maps URI API, https://lbsyun.baidu.com/index.php?title=uri (v2.0), place search
  http://api.map.baidu.com/place/search?query=…&location=lat,lng&radius=…&region=…&output=html&src=…
  with `coord_type=wgs84` ("wgs84表示gps获取的坐标"; Baidu's default is its own BD-09).
- Apple Maps links, https://developer.apple.com/library/archive/featuredarticles/iPhoneURLScheme_Reference/MapLinks/MapLinks.html:
  https://maps.apple.com/?q=…&sll=lat,lon (q: the search typed in; sll: the point to search near, WGS-84).
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from bot.answer import Link
from bot.geo import in_china
from bot.knowledge import Knowledge

SOURCE = "payhelp"  # the `src` both Chinese schemes ask callers to send
RADIUS_M = 3000  # Baidu's nearby search radius: a short taxi ride


def amap(keyword: str, point: tuple[float, float] | None = None, city: str | None = None) -> str:
    """An Amap search for `keyword` around a WGS-84 point (sent as GCJ-02) or in a city."""
    params: dict[str, str] = {"keyword": keyword}
    if point is not None:
        lat, lon = wgs84_to_gcj02(*point)
        params["center"] = f"{lon:.6f},{lat:.6f}"
        params["coordinate"] = "gaode"
    if city:
        params["city"] = city
    params.update(view="map", src=SOURCE, callnative="1")
    return "https://uri.amap.com/search?" + urlencode(params)


def baidu(keyword: str, point: tuple[float, float] | None = None, city: str | None = None) -> str:
    """A Baidu Maps place search for `keyword` around a WGS-84 point or in a city."""
    params: dict[str, str] = {"query": keyword}
    if point is not None:
        params["location"] = f"{point[0]:.6f},{point[1]:.6f}"
        params["coord_type"] = "wgs84"
        params["radius"] = str(RADIUS_M)
    if city:
        params["region"] = city
    params.update(output="html", src=SOURCE)
    return "https://api.map.baidu.com/place/search?" + urlencode(params)


def apple(keyword: str, point: tuple[float, float] | None = None, city: str | None = None) -> str:
    """An Apple Maps search for `keyword` near a WGS-84 point, in a city, or near the user."""
    params = {"q": f"{city} {keyword}" if city and point is None else keyword}
    if point is not None:
        params["sll"] = f"{point[0]:.6f},{point[1]:.6f}"
    return "https://maps.apple.com/?" + urlencode(params)


def search_links(
    kb: Knowledge,
    lang: str,
    keyword: str,
    point: tuple[float, float] | None = None,
    city: str | None = None,
) -> tuple[Link, ...]:
    """The three map searches, labelled in `lang`; Baidu only when it has a point or a city to search in."""
    links = [Link(label=kb.text("map_amap", lang), url=amap(keyword, point, city))]
    if point is not None or city:
        links.append(Link(label=kb.text("map_baidu", lang), url=baidu(keyword, point, city)))
    links.append(Link(label=kb.text("map_apple", lang), url=apple(keyword, point, city)))
    return tuple(links)


# WGS-84 -> GCJ-02: the published approximation of the national offset (Krasovsky ellipsoid),
# as used by open-source converters; within a few metres, plenty for a search centre.
_A = 6378245.0
_EE = 0.00669342162296594323


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 (Amap's coordinates) of a WGS-84 point; points outside China are unchanged."""
    if not in_china(lat, lon):
        return lat, lon
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + dlat, lon + dlon
