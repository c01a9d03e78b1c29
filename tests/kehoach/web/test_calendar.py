"""An agency's calendar feed: its deadlines and the plan's event, stable entries that move
(SEQUENCE and LAST-MODIFIED change) when a deadline is extended."""

from __future__ import annotations

import datetime as dt

import httpx
from icalendar import Calendar

from kehoach.services.tracking import extend_deadline
from tests.kehoach.web.conftest import Web

UID = "nt-2024-so-ket-vi-nguoi-ngheo/IV.1.presentations@NINH_SON@kehoach"


def entries(client: httpx.Client, url: str) -> dict[str, object]:
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    assert calendar["X-WR-TIMEZONE"] == "Asia/Ho_Chi_Minh"
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_holds_the_agencys_deadlines_and_the_event_and_follows_an_extension(
    web: Web, client: httpx.Client
) -> None:
    url = web.links.calendar("NINH_SON", 1, web.clock[0])
    before = entries(client, url)
    entry = before[UID]
    assert entry["DTSTART"].dt == dt.date(2024, 4, 15)  # type: ignore[index]
    assert entry["SEQUENCE"] == 0  # type: ignore[index]
    assert "nt-2024-so-ket-vi-nguoi-ngheo/su-kien@kehoach" in before
    assert not any("@SNV" in uid for uid in before)
    with web.context.database.transaction() as session:
        extend_deadline(session, "IV.1.presentations@NINH_SON", dt.date(2024, 4, 19),
                        web.clock[0], by="SLDTBXH")  # fmt: skip
    after = entries(client, url)[UID]
    assert after["DTSTART"].dt == dt.date(2024, 4, 19)  # type: ignore[index]
    assert after["SEQUENCE"] == 1  # type: ignore[index]
    assert after["LAST-MODIFIED"].dt > entry["LAST-MODIFIED"].dt  # type: ignore[index]


def test_a_page_link_does_not_open_the_feed_nor_a_feed_link_the_page(
    web: Web, client: httpx.Client
) -> None:
    page_token = web.page_link("NINH_SON").rsplit("/", 1)[1]
    feed = web.links.calendar("NINH_SON", 1, web.clock[0])
    feed_token = feed.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(f"{web.url}/lich/{page_token}.ics").status_code == 403
    assert client.get(f"{web.url}/a/{feed_token}").status_code == 403
