#!/usr/bin/env python3
"""Check data/geo/jiangsu.geojson against crates/duban-divisions/src/data.rs.

Fails (exit 1) when: the levels do not hold 13 cities and every county-level division
of data.rs exactly once, with its name and city; a property set differs from
{level, code, name, city}; a geometry is not a Polygon/MultiPolygon of closed rings of
at least 4 positions without repeated points, rounded to 3 decimals, wound per RFC 7946;
two edges of one feature cross; a city's area differs from the sum of its counties';
the bounding box is outside lon 116.3-121.9 / lat 30.7-35.2 (with 0.1 degree slack);
the file is 250 KB or more.

Warns (does not fail) when a data.rs seat of government lies outside its county's
polygon, and, with --echarts PATH (echarts 4.x map/json/province/jiangsu.json, whose
coordinates are UTF8-encoded), when a city's area or box differs much from echarts'.

Standard library only.
"""

import argparse
import json
import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from prepare import DEFAULT_DIVISIONS, DEFAULT_OUT, read_divisions  # noqa: E402

MAX_BYTES = 250 * 1000
BOX = (116.3, 30.7, 121.9, 35.2)
KM2_PER_DEG2 = 111.2 * 111.2 * 0.85  # cos(32 deg) ~ 0.85; areas here are comparisons only


def polygons(geom):
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def area2(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def geom_area(geom):
    """Planar area in square degrees (holes are wound clockwise, so they subtract)."""
    return sum(area2(r) for poly in polygons(geom) for r in poly) / 2


def point_in_geom(x, y, geom):
    inside = False
    for poly in polygons(geom):
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def crossings(geom):
    """Pairs of edges of one geometry that cross at a point interior to both, or overlap
    collinearly. Coordinates are scaled to integers, so the tests are exact."""
    segs = []
    for pi, poly in enumerate(polygons(geom)):
        for ri, ring in enumerate(poly):
            pts = [(round(x * 1000), round(y * 1000)) for x, y in ring]
            n = len(pts) - 1
            for i in range(n):
                segs.append((pts[i], pts[i + 1], (pi, ri, i, n)))
    cell = 20  # 0.02 degree
    grid = defaultdict(list)
    for k, (a, b, _) in enumerate(segs):
        for gx in range(min(a[0], b[0]) // cell, max(a[0], b[0]) // cell + 1):
            for gy in range(min(a[1], b[1]) // cell, max(a[1], b[1]) // cell + 1):
                grid[(gx, gy)].append(k)
    found = set()
    for ks in grid.values():
        for i in range(len(ks)):
            for j in range(i + 1, len(ks)):
                k1, k2 = ks[i], ks[j]
                if (k1, k2) in found:
                    continue
                a, b, ida = segs[k1]
                c, d, idb = segs[k2]
                o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
                if o1 * o2 < 0 and o3 * o4 < 0:
                    found.add((k1, k2))
                elif o1 == o2 == o3 == o4 == 0:
                    # collinear: overlapping by more than a shared endpoint?
                    ax = 0 if a[0] != b[0] else 1
                    lo1, hi1 = sorted((a[ax], b[ax]))
                    lo2, hi2 = sorted((c[ax], d[ax]))
                    if min(hi1, hi2) - max(lo1, lo2) > 0:
                        found.add((k1, k2))
    return [(segs[i][0], segs[j][0]) for i, j in found]


def check_geometry(geom):
    errors = []
    if geom["type"] not in ("Polygon", "MultiPolygon"):
        return [f"geometry type {geom['type']}"]
    polys = polygons(geom)
    if not polys:
        errors.append("no polygon")
    for poly in polys:
        if not poly:
            errors.append("polygon without rings")
        for ri, ring in enumerate(poly):
            if len(ring) < 4:
                errors.append(f"ring of {len(ring)} positions")
                continue
            if ring[0] != ring[-1]:
                errors.append("ring not closed")
            if any(p == q for p, q in zip(ring, ring[1:])):
                errors.append("repeated consecutive position")
            if any(len(p) != 2 or any(round(v, 3) != v for v in p) for p in ring):
                errors.append("position not [lon, lat] rounded to 3 decimals")
            a = area2(ring)
            if a == 0:
                errors.append("zero-area ring")
            elif (a > 0) != (ri == 0):
                errors.append("winding not RFC 7946 (outer CCW, holes CW)")
    if not errors:
        x = crossings(geom)
        if x:
            errors.append(f"{len(x)} crossing edges, e.g. near {x[0][0]}")
    return sorted(set(errors))


def decode_echarts(path):
    """City outlines of an echarts 4.x UTF8-encoded province file: {name: geometry}."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)

    def ring(s, offset, scale=1024):
        px, py = offset
        out = []
        for i in range(0, len(s), 2):
            x, y = ord(s[i]) - 64, ord(s[i + 1]) - 64
            x, y = (x >> 1) ^ -(x & 1), (y >> 1) ^ -(y & 1)
            px, py = px + x, py + y
            out.append([px / scale, py / scale])
        if out and out[0] != out[-1]:
            out.append(list(out[0]))
        return out

    out = {}
    for f in data["features"]:
        g = f["geometry"]
        if not data.get("UTF8Encoding"):
            out[f["properties"]["name"]] = g
            continue
        if g["type"] == "Polygon":
            polys = [[ring(s, o) for s, o in zip(g["coordinates"], g["encodeOffsets"])]]
        else:
            polys = [[ring(s, o) for s, o in zip(p, po)]
                     for p, po in zip(g["coordinates"], g["encodeOffsets"])]
        # echarts does not keep the RFC 7946 winding: take absolute ring areas
        for p in polys:
            for r in p:
                if area2(r) < 0:
                    r.reverse()
            for r in p[1:]:
                r.reverse()
        out[f["properties"]["name"]] = {"type": "MultiPolygon", "coordinates": polys}
    return out


def bbox(geoms):
    xs = [p[0] for g in geoms for poly in polygons(g) for r in poly for p in r]
    ys = [p[1] for g in geoms for poly in polygons(g) for r in poly for p in r]
    return min(xs), min(ys), max(xs), max(ys)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=DEFAULT_OUT)
    ap.add_argument("--divisions", default=DEFAULT_DIVISIONS)
    ap.add_argument("--echarts", help="echarts map/json/province/jiangsu.json to compare with")
    args = ap.parse_args()

    errors, warnings = [], []
    cities, counties = read_divisions(args.divisions)
    city_names = dict(cities)
    size = os.path.getsize(args.path)
    with open(args.path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("type") != "FeatureCollection":
        errors.append("not a FeatureCollection")
    feats = data["features"]

    by_level = defaultdict(list)
    for f in feats:
        p = f.get("properties", {})
        if set(p) != {"level", "code", "name", "city"}:
            errors.append(f"properties {sorted(p)} of {p.get('name')}")
        by_level[p.get("level")].append(f)
        for e in check_geometry(f["geometry"]):
            errors.append(f"{p.get('level')} {p.get('code')} {p.get('name')}: {e}")
    levels = {k: len(v) for k, v in by_level.items()}
    print(f"features per level: {levels} (data.rs: {len(cities)} cities, "
          f"{len(counties)} counties)")
    if set(levels) != {"city", "county"}:
        errors.append(f"levels {sorted(map(str, levels))}")

    for level, expected in (("city", {c: (n, c) for c, n in cities}),
                            ("county", {c: (v[0], v[1]) for c, v in counties.items()})):
        codes = Counter(f["properties"]["code"] for f in by_level[level])
        for code, n in codes.items():
            if n != 1:
                errors.append(f"{level} {code} appears {n} times")
            if code not in expected:
                errors.append(f"{level} {code} is not a {level} of data.rs")
        for code, (name, city) in expected.items():
            if code not in codes:
                errors.append(f"{level} {code} {name} has no feature")
        for f in by_level[level]:
            p = f["properties"]
            if p["code"] in expected and (p["name"], p["city"]) != expected[p["code"]]:
                errors.append(f"{level} {p['code']}: {p['name']}/{p['city']}, data.rs says "
                              f"{expected[p['code']]}")

    # each city's area is the sum of its counties'
    county_area = defaultdict(float)
    for f in by_level["county"]:
        county_area[f["properties"]["city"]] += geom_area(f["geometry"])
    for f in by_level["city"]:
        c, a = f["properties"]["code"], geom_area(f["geometry"])
        if abs(a - county_area[c]) > 1e-4 * a:
            errors.append(f"city {c}: area {a * KM2_PER_DEG2:.1f} km2, counties "
                          f"{county_area[c] * KM2_PER_DEG2:.1f} km2")

    # the seats of government of data.rs lie in their counties
    for f in by_level["county"]:
        p = f["properties"]
        if p["code"] in counties:
            _, _, lat, lon = counties[p["code"]]
            if not point_in_geom(lon, lat, f["geometry"]):
                warnings.append(f"data.rs point of {p['code']} {p['name']} ({lat}, {lon}) "
                                f"is outside its polygon")

    x0, y0, x1, y1 = bbox([f["geometry"] for f in feats])
    print(f"bounding box: lon {x0:.3f}..{x1:.3f}, lat {y0:.3f}..{y1:.3f}")
    if any(abs(v - w) > 0.1 for v, w in zip((x0, y0, x1, y1), BOX)):
        errors.append("bounding box is not about lon 116.3-121.9, lat 30.7-35.2")

    positions = sum(len(r) for f in feats for poly in polygons(f["geometry"]) for r in poly)
    parts = Counter(f["properties"]["level"] for f in feats for _ in polygons(f["geometry"]))
    print(f"size: {size} bytes; positions: {positions}; polygon parts: {dict(parts)}")
    if size >= MAX_BYTES:
        errors.append(f"file is {size} bytes, limit {MAX_BYTES}")

    if args.echarts:
        ref = decode_echarts(args.echarts)
        print("city vs echarts 4.9.0 (area km2 ours/theirs, box difference in degrees):")
        for f in by_level["city"]:
            name = f["properties"]["name"]
            if name not in ref:
                warnings.append(f"echarts has no {name}")
                continue
            a, b = geom_area(f["geometry"]), geom_area(ref[name])
            bo, br = bbox([f["geometry"]]), bbox([ref[name]])
            dbox = max(abs(u - v) for u, v in zip(bo, br))
            print(f"  {f['properties']['code']} {name}: {a * KM2_PER_DEG2:8.1f} / "
                  f"{b * KM2_PER_DEG2:8.1f} ({(a / b - 1) * 100:+.2f}%), box {dbox:.3f}")
            if abs(a / b - 1) > 0.03 or dbox > 0.05:
                warnings.append(f"{name} differs from echarts")

    for w in warnings:
        print("warning: " + w)
    for e in errors:
        print("ERROR: " + e)
    print("ok" if not errors else f"{len(errors)} errors")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
