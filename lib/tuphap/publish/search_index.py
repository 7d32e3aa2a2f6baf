"""The units the site's search boxes find, written with the site as small scripts that the searching pages
load beside site.js: `search.js` (every unit of the site, for the index) and `<year>/search.js` (every report
of the year, for the year's page). A script, not a JSON file: browsers refuse to fetch a file from a page
opened from file://, but they run the scripts it names.

Each script sets `window.tuphapSearch` to {"scope", "places", "units"} (a year's adds "statuses", "kinds"). A
place is a [page, area] pair that units share (their province's page on the year's site, or '' on the index;
'Hớn Quản, Bình Phước'), so that a country's units do not each repeat them. Links are relative to the page
that loads the script, and site.js only joins them:
- index, a unit: [slug, name now, code, place, [[year, link, failed], ...]], its page units/<slug>.html, each
  year linking its report, or its row on the province page when it failed (never a stale copy), or nothing;
- year, a report: [name then, code, place, anchor, status, link to its HTML or '', kind], its row at
  page#anchor, its kind's name kinds[kind] ('' for the year report).
Units come in the site's order, by name; site.js folds names (and areas, codes, slugs) as site_model.fold does.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from tuphap.publish.site_model import STATUS_LABELS, Report, Site, Year, province_page, relative_links

LINK_FILE = "report.html"


def _script(data: dict) -> bytes:
    return f"window.tuphapSearch = {json.dumps(data, ensure_ascii=False, separators=(',', ':'))};\n".encode("utf-8")


class _Places:
    """The [page, area] pairs of a script, each once, by index."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], int] = {}

    def __call__(self, page: str, area: str) -> int:
        return self.found.setdefault((page, area), len(self.found))

    @property
    def table(self) -> list[list[str]]:
        return [list(place) for place in self.found]


def site_script(site: Site) -> bytes:
    """Every unit of the site, as it is named now, with each year's report: for the index's search."""
    href, places = relative_links(site.search_page), _Places()
    units = []
    for slug, reports in site.units.items():
        names = site.current.get(slug)
        name, area, code = (names.name, names.area, names.code) if names else (reports[0].name, reports[0].area, reports[0].code)
        years = [[report.year, *_year_link(report, href)] for report in reports]
        units.append([slug, name, code, places("", area), years])
    return _script({"scope": "site", "places": places.table, "units": units})


def _year_link(report: Report, href: Callable[[str], str]) -> list:
    if report.status == "failed":
        return [href(report.page), 1]
    return [href(report.files[LINK_FILE]) if LINK_FILE in report.files else "", 0]


def year_script(year: Year) -> bytes:
    """Every report of the year, as it names its unit: for the year page's search."""
    href, places = relative_links(year.search_page), _Places()
    kinds = [""] + [kind.name for kind in year.kinds]
    entries = []
    for kind_index, reports in enumerate([year.reports, *(kind.reports for kind in year.kinds)]):
        for report in reports:
            link = href(report.files[LINK_FILE]) if LINK_FILE in report.files and report.status != "failed" else ""
            place = places(href(province_page(report.year, report.province_slug)), report.area)
            entries.append((report.sort_name, report.unit, kind_index,
                            [report.name, report.code, place, report.anchor, report.status, link, kind_index]))
    entries.sort(key=lambda entry: entry[:3])
    return _script({"scope": "year", "statuses": STATUS_LABELS, "places": places.table, "kinds": kinds,
                    "units": [entry[3] for entry in entries]})
