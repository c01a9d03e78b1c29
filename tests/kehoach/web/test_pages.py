"""An agency's pages through its link: what they show, and that opening them writes nothing."""

from __future__ import annotations

import httpx

from tests.kehoach.web.conftest import Web, events, used_forms


def test_the_agency_page_lists_what_it_leads_and_cooperates_on_most_urgent_first(
    web: Web, client: httpx.Client
) -> None:
    page = client.get(web.page_link("NINH_SON"))
    assert page.status_code == 200
    text = page.text
    assert "Ủy ban nhân dân huyện Ninh Sơn" in text
    # IV.2.results_report (cooperating, due 27/03, overdue) before the district's own
    # presentations (due 15/04) and delegates (due 22/04).
    overdue, presentations, delegates = (
        text.index("Hạn: <strong>27/03/2024"),
        text.index("Hạn: <strong>15/04/2024"),
        text.index("Hạn: <strong>22/04/2024"),
    )
    assert overdue < presentations < delegates
    assert "Phối hợp" in text and "Chủ trì" in text
    assert "IV.1.delegates@SNV" not in text


def test_a_scanners_get_of_every_page_and_feed_writes_nothing(
    web: Web, client: httpx.Client
) -> None:
    before = events(web.context), used_forms(web.context)
    page = client.get(web.page_link("NINH_SON"))
    steps = [a for a in page.text.split('href="')[1:] if "/buoc/" in a]
    for href in steps:
        assert client.get(web.url + href.split('"', 1)[0]).status_code == 200
    feed = client.get(web.links.calendar("NINH_SON", 1, web.clock[0]))
    assert feed.status_code == 200
    assert (events(web.context), used_forms(web.context)) == before


def test_pages_forbid_referrers_framing_and_caching(web: Web, client: httpx.Client) -> None:
    page = client.get(web.page_link("SNV"))
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
