"""Writes src/domain/country/time_zones.tab: each IANA time zone (and its old names, which
browsers still report, such as Asia/Calcutta) with the country it is in, from Debian's tzdata
(zone.tab, and the links in tzdata.zi). Run it when tzdata changes; don't edit the output.

Usage: python3 scripts/lib/time_zone_countries.py > src/domain/country/time_zones.tab
"""
import sys

ZONEINFO = "/usr/share/zoneinfo"

countries = {}
with open(f"{ZONEINFO}/zone.tab", encoding="utf-8") as tab:
    for line in tab:
        if line.startswith("#") or not line.strip():
            continue
        code, _coordinates, zone = line.split("\t")[:3]
        countries[zone.strip()] = code
with open(f"{ZONEINFO}/tzdata.zi", encoding="utf-8") as zi:
    for line in zi:
        if line.startswith("L "):
            _, target, alias = line.split()
            if target in countries and alias not in countries:
                countries[alias] = countries[target]

version = open(f"{ZONEINFO}/tzdata.zi", encoding="utf-8").readline().strip("# \n")
out = sys.stdout
out.write(f"# Time zone, tab, ISO 3166-1 country. From tzdata {version} by scripts/lib/time_zone_countries.py.\n")
for zone in sorted(countries):
    out.write(f"{zone}\t{countries[zone]}\n")
