"""The grid part of co2sweep's catalog: one dataset, one basis.

Every cloud region and every country grid gets its figure from one
Electricity Maps zone, for one year, on one basis (life-cycle, g CO2eq/kWh
consumed): `electricitymaps-yearly-co2js` (ODbL). Countries Electricity Maps
lacks get Ember's latest figure (CC BY-SA 4.0), flagged as such. Provider-
published figures (Google's per-region data) go to separate columns.

Used by tools/build_data.py; standard library only.
"""

import csv
import json
import os

# Newest complete year of the yearly data (fetched February 2026).
DEFAULT_YEAR = 2025
BASIS = "life-cycle"
EM_SOURCE = "Electricity Maps yearly life-cycle mean (via CO2.js), ODbL"
EMBER_SOURCE = "Ember latest annual average (via CO2.js average-intensities.json), CC BY-SA 4.0; not in Electricity Maps"

# Countries whose national Electricity Maps zone is an aggregate of sub-zones that
# also exist: a region there must name its sub-zone (CCF's map or HAND below).
SPLIT = {"US", "CA", "AU", "JP", "IN", "BR", "SE", "NO", "IT", "CL", "RU", "MY", "DK", "PH"}

BPAT = ("judgement: {} lies in Bonneville Power Administration's balancing area "
        "(CCF maps it to US-NW-PACW, PacifiCorp West)")
# (provider, region) -> (zone, why). Corrections to CCF's map and regions it lacks.
HAND = {
    ("aws", "us-west-2"): ("US-NW-BPAT", BPAT.format("Boardman, Oregon (Umatilla Electric)")),
    ("aws", "us-gov-west-1"): ("US-NW-BPAT", BPAT.format("AWS GovCloud US-West (Oregon)")),
    ("gcp", "us-west1"): ("US-NW-BPAT", BPAT.format("The Dalles, Oregon (Northern Wasco County PUD)")),
    ("azure", "westus2"): ("US-NW-GCPD", "judgement: Quincy, Washington is served by Grant County PUD, its own "
                           "balancing area (CCF: US-NW-PACE, PacifiCorp East, which serves Utah and Wyoming)"),
    ("azure", "westus3"): ("US-SW-AZPS", "judgement: the Phoenix-area sites are in Arizona Public Service's "
                           "balancing area (CCF: US-NW-PACE)"),
    ("azure", "westcentralus"): ("US-NW-WACM", "judgement: Cheyenne, Wyoming is in WAPA Rocky Mountain's balancing "
                                 "area (CCF: US-NW-PACE)"),
    ("azure", "northcentralus"): ("US-MIDA-PJM", "judgement: Chicago (ComEd) is in PJM (CCF: US-MIDW-MISO)"),
    ("azure", "usnorth"): ("US-MIDA-PJM", "as northcentralus (Chicago)"),
    ("azure", "jioindiawest"): ("IN-WE", "Jamnagar, Gujarat: Western region"),
    ("azure", "jioindiacentral"): ("IN-WE", "Nagpur, Maharashtra: Western region"),
    ("azure", "italynorth"): ("IT-NO", "Milan: Northern Italy bidding zone"),
    ("azure", "japaneast"): ("JP-TK", "Tokyo/Saitama: TEPCO area (CCF)"),
    ("aws", "cn-north-1"): ("CN", "CCF maps China to no zone; Electricity Maps' national zone"),
    ("aws", "cn-northwest-1"): ("CN", "CCF maps China to no zone; Electricity Maps' national zone"),
    ("aws", "ap-east-1"): ("HK", "CCF maps Hong Kong to no zone; Electricity Maps' zone HK"),
    ("gcp", "asia-east2"): ("HK", "CCF maps Hong Kong to no zone; Electricity Maps' zone HK"),
    ("coreweave", "LAS1"): ("US-NW-NEVP", "Las Vegas: NV Energy"),
    ("coreweave", "LGA1"): ("US-MIDA-PJM", "Weehawken, New Jersey: PJM"),
    ("coreweave", "ORD1"): ("US-MIDA-PJM", "Chicago (ComEd): PJM"),
    ("ovh", "bhs"): ("CA-QC", "Beauharnois, Québec"),
    ("seeweb", "fro2"): ("IT-CSO", "Frosinone, Lazio: Centre-South Italy bidding zone"),
    ("gcp", "southamerica-west1"): ("CL-SEN", "Santiago: Chile's national system (CCF)"),
}
# Locations of CCF's map kept on CCF's zone without comment.
CCF = "Cloud Carbon Footprint region map (Apache-2.0)"


def _ref(reference, *path):
    return os.path.join(reference, *path)


def em_years(reference):
    """{zone: {"name": str, "years": {year: g}}} from the flattened yearly file."""
    zones = {}
    path = _ref(reference, "electricitymaps-yearly-co2js", "electricitymaps_yearly_2021_2025.csv")
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            z = zones.setdefault(r["zone"], {"name": r["zone_name"], "years": {}})
            z["years"][int(r["year"])] = float(r["carbon_intensity_lca_gco2eq_per_kwh"])
    return zones


def ember(reference, iso3_to_2):
    """{ISO2: (name, year, g)} for Ember's countries."""
    data = json.load(open(_ref(reference, "electricitymaps-yearly-co2js", "ember-average-intensities.json")))
    out = {}
    extra = {"RUS": "RU"}  # not in the ISO tables used
    for v in data.values():
        a2 = iso3_to_2.get(v["country_code"]) or extra.get(v["country_code"])
        if a2:
            out[a2] = (v["country_or_region"], int(v["year"]), float(v["emissions_intensity_gco2_per_kwh"]))
    return out


def grid_table(reference, iso3_to_2):
    """Rows of data/grid.csv: every zone-year, then Ember's countries missing from Electricity Maps."""
    zones = em_years(reference)
    rows = []
    for zone, z in sorted(zones.items()):
        for year, g in sorted(z["years"].items()):
            rows.append({"zone": zone, "name": z["name"], "year": year, "intensity_g_per_kwh": g,
                         "basis": BASIS, "source": "electricitymaps"})
    for a2, (name, year, g) in sorted(ember(reference, iso3_to_2).items()):
        # Chile is left out: its national system is the zone CL-SEN (see countries()).
        if a2 not in zones and a2 != "CL" and 0 < g <= 1200:
            rows.append({"zone": a2, "name": name, "year": year, "intensity_g_per_kwh": g,
                         "basis": BASIS, "source": "ember"})
    return rows


def _figure(grid, zone):
    """(g, year, source) of a zone: the default year, or an Ember-only row's own year."""
    years = {r["year"]: r for r in grid if r["zone"] == zone}
    r = years.get(DEFAULT_YEAR) or years[max(years)]
    src = EM_SOURCE if r["source"] == "electricitymaps" else EMBER_SOURCE
    where = f"zone {zone}" if r["source"] == "electricitymaps" else f"country {zone}"
    return r["intensity_g_per_kwh"], r["year"], f"{src}, {where}"


def countries(grid):
    """Rows of data/countries.csv: one per zone (and per Ember-only country)."""
    names = {}
    for r in grid:
        names.setdefault(r["zone"], r["name"])
    rows = []
    for zone, name in sorted(names.items()):
        g, year, src = _figure(grid, zone)
        rows.append({"code": zone, "name": name, "kind": "subnational" if "-" in zone else "country",
                     "intensity_g_per_kwh": g, "year": year, "source": src, "grid_zone": zone})
    # Chile and Russia have only sub-zones; Chile's SEN is its national system.
    if "CL" not in names and "CL-SEN" in names:
        g, year, src = _figure(grid, "CL-SEN")
        rows.append({"code": "CL", "name": "Chile", "kind": "country", "intensity_g_per_kwh": g, "year": year,
                     "source": src + " (Chile's national system)", "grid_zone": "CL-SEN"})
    return sorted(rows, key=lambda r: r["code"])


def ccf_map(reference):
    path = _ref(reference, "cloud-region-grid-zone-map", "ccf_region_to_electricitymaps_zone.csv")
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["provider"], r["region"].lower()): r["electricity_maps_zone"] for r in csv.DictReader(f)}


def zone_of(row, ccf, zones):
    """(zone, note) of a region, or None when it cannot be placed."""
    key = (row["provider"], row["region"])
    if key in HAND:
        return HAND[key]
    z = ccf.get((row["provider"], row["region"].lower()))
    if z:
        return z, CCF
    c = row.get("country", "")
    if c in zones and c not in SPLIT:
        return c, f"the country's zone ({c}): one grid zone covers the region"
    return None


def google_figures(reference):
    """{region: (g, year, cfe_pct)} from Google's newest per-region file (direct basis)."""
    out = {}
    for year in range(2021, 2025):
        path = _ref(reference, "google-region-carbon", f"{year}.csv")
        with open(path, newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                g = r.get("Grid carbon intensity (gCO2eq / kWh)", "").strip()
                cfe = r.get("Google CFE", "").strip()
                if g:
                    out[r["Google Cloud Region"].strip()] = (float(g), year, float(cfe) * 100 if cfe else None)
    return out


def place_on_zones(rows, reference, grid):
    """Give every region its zone, the zone's figure and the provider's own figures (notes)."""
    ccf = ccf_map(reference)
    zones = {r["zone"] for r in grid}
    google = google_figures(reference)
    out = []
    for row in rows:
        placed = zone_of(row, ccf, zones)
        if placed is None or placed[0] not in zones:
            raise SystemExit(f"{row['provider']}:{row['region']} ({row.get('country')}): no grid zone; add it to HAND")
        zone, note = placed
        g, year, src = _figure(grid, zone)
        row.update(intensity_g_per_kwh=g, intensity_year=year, intensity_source=src, grid_zone=zone, zone_source=note)
        gf = google.get(row["region"]) if row["provider"] == "gcp" else None
        if gf:
            row.update(provider_intensity_g_per_kwh=gf[0], provider_intensity_year=gf[1],
                       provider_intensity_basis="direct (Google-published, operational)", provider_cfe_pct=gf[2])
        out.append(row)
    return out
