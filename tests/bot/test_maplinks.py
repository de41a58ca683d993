"""Map links built from Amap's, Baidu's and Apple's documented URL schemes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.geo import distance_m
from bot.maplinks import amap, apple, baidu, wgs84_to_gcj02


def parts(url: str) -> tuple[str, str, dict[str, str]]:
    split = urlsplit(url)
    return split.netloc, split.path, {k: v[0] for k, v in parse_qs(split.query).items()}


def test_amap_searches_around_a_point_in_its_own_coordinates() -> None:
    host, path, params = parts(amap("ATM 外卡取现", point=(43.88, 125.32)))
    lat, lon = wgs84_to_gcj02(43.88, 125.32)
    assert (host, path, params) == (
        "uri.amap.com",
        "/search",
        {
            "keyword": "ATM 外卡取现",
            "center": f"{lon:.6f},{lat:.6f}",
            "coordinate": "gaode",
            "view": "map",
            "src": "payhelp",
            "callnative": "1",
        },
    )


def test_amap_and_baidu_search_a_city_by_name() -> None:
    assert parts(amap("中国银行 外币兑换", city="延吉"))[2]["city"] == "延吉"
    assert parts(baidu("中国银行 外币兑换", city="延吉")) == (
        "api.map.baidu.com",
        "/place/search",
        {"query": "中国银行 外币兑换", "region": "延吉", "output": "html", "src": "payhelp"},
    )


def test_baidu_declares_the_wgs84_point_it_is_given() -> None:
    params = parts(baidu("ATM", point=(42.9, 129.5)))[2]
    assert (params["location"], params["coord_type"], params["radius"]) == (
        "42.900000,129.500000",
        "wgs84",
        "3000",
    )


def test_apple_searches_near_the_point_or_in_the_city() -> None:
    assert parts(apple("ATM", point=(42.9, 129.5))) == (
        "maps.apple.com",
        "/",
        {"q": "ATM", "sll": "42.900000,129.500000"},
    )
    assert parts(apple("ATM", city="延吉"))[2] == {"q": "延吉 ATM"}


def test_gcj02_shifts_points_in_china_by_a_few_hundred_metres_and_leaves_others() -> None:
    lat, lon = wgs84_to_gcj02(39.908692, 116.397477)  # Tiananmen, WGS-84
    assert 100 < distance_m(39.908692, 116.397477, lat, lon) < 1000
    assert (lat > 39.908692, lon > 116.397477) == (True, True)  # the offset runs north-east here
    assert wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)
