"""Routes from the province directory: an agency with no entry of its own in the channels file
is reached at its directory contact (`contact.email`, `contact.zalo`), through a sender
account the channels file declares once with the tag `danh-ba`.

The account's URL keeps the secrets (SMTP password, Zalo app secret) in the channels file;
the directory gives only the address. Each agency's service is the account's own URL with
the agency's address as its only target (Apprise's URL grammar, round-tripped), built when
the agency is first sent to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apprise import NotifyBase
from apprise.plugins.email import NotifyEmail
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kehoach.store.tables import PlanRow
from models.contacts import Addresses, directory_addresses, masked_email, masked_number

DIRECTORY_TAG = "danh-ba"
EMAIL, ZALO_OA, ZALO_ZNS = "email", "zalo", "zns"
KIND_LABELS = {EMAIL: "thư điện tử", ZALO_OA: "Zalo OA", ZALO_ZNS: "Zalo ZNS"}


def is_template(service: NotifyBase) -> bool:
    return DIRECTORY_TAG in {str(tag) for tag in service.tags}


def kind_of(service: NotifyBase) -> str | None:
    if isinstance(service, NotifyEmail):
        return EMAIL
    return {ZALO_OA: ZALO_OA, ZALO_ZNS: ZALO_ZNS}.get(str(service.secure_protocol or ""))


def template_problems(templates: Sequence[NotifyBase]) -> list[str]:
    """One account per kind: with two, which one sends would be a guess."""
    kinds = [kind_of(t) for t in templates]
    problems = [
        f"tag '{DIRECTORY_TAG}' chỉ dùng cho thư điện tử (mailto://, mailtos://), zalo:// và zns://"
        for kind in kinds
        if kind is None
    ]
    problems += [
        f"mục gắn tag '{DIRECTORY_TAG}' là tài khoản gửi chung, không gắn thêm mã cơ quan "
        f"({', '.join(sorted(tags))}); khai báo kênh riêng của cơ quan ở một mục khác"
        for t in templates
        if (tags := {str(tag).upper() for tag in t.tags} - {DIRECTORY_TAG.upper()})
    ]
    twice = sorted({k for k in kinds if k is not None and kinds.count(k) > 1})
    problems += [
        f"có hơn một tài khoản {KIND_LABELS[k]} gắn tag '{DIRECTORY_TAG}'; chỉ khai báo một"
        for k in twice
    ]
    return problems


@dataclass(frozen=True)
class Route:
    """One way an agency is reached from the directory: what, where (masked), through what."""

    kind: str
    address: str
    service: NotifyBase
    account: NotifyBase  # the channels file's entry tagged `danh-ba` it sends through

    @property
    def shown_address(self) -> str:
        return masked_email(self.address) if self.kind == EMAIL else masked_number(self.address)


def routes(code: str, addresses: Addresses, templates: Sequence[NotifyBase]) -> list[Route]:
    """The agency's services: its e-mail through the e-mail account, its Zalo user id through
    the OA, its phone through the ZNS template; an address without its account is skipped."""
    accounts = {kind_of(t): t for t in templates}
    wanted = [
        *((EMAIL, a) for a in addresses.emails),
        *((ZALO_OA, a) for a in addresses.zalo_users),
        *((ZALO_ZNS, a) for a in addresses.phones),
    ]
    return [
        Route(kind, address, addressed(accounts[kind], address, code), accounts[kind])
        for kind, address in wanted
        if kind in accounts
    ]


def addressed(template: NotifyBase, address: str, code: str) -> NotifyBase:
    """The account's service with `address` as its one target, tagged with the agency's code."""
    values: dict[str, Any] = type(template).parse_url(template.url(privacy=False)) or {}
    values.update(targets=[address], tag={code.lower()}, asset=template.asset)
    service = type(template)(**values)
    service.request_rate_per_sec = 0
    return service


def read_addresses(engine: Engine) -> dict[str, Addresses]:
    """Every loaded plan's agencies' addresses (the directory's, or the plan's override)."""
    with Session(engine) as session:
        documents = session.scalars(select(PlanRow.document).order_by(PlanRow.id)).all()
    return directory_addresses(
        agency for document in documents for agency in document.get("agencies") or []
    )
