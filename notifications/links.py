"""The agency's own link in a notice: a closing paragraph in the text and HTML bodies, a
button in a Zalo OA message, a parameter of a ZNS template.

The link is signed and expires (kehoach.services.links builds it when a message is sent,
so a retry carries a fresh one); here it is only placed. It is never logged.
"""

from __future__ import annotations

import html

from models.digest import with_link_footer

LINK_INTRO = (
    "Quý cơ quan xem toàn bộ nhiệm vụ của mình và báo cáo tiến độ, khó khăn, vướng mắc "
    "hoặc đề xuất gia hạn trực tiếp tại địa chỉ riêng (không cần tài khoản; xin không "
    "chuyển tiếp thư này ra ngoài cơ quan):"
)
BUTTON_TITLE = "Báo cáo tiến độ"  # Zalo limits a button title to 35 characters
# A link to one step's page (".../buoc/<plan>/<step>") is only sent with a receipt request
# (kehoach.services.links.notice_path): it invites the receiver to confirm, not to report.
STEP_MARK = "/buoc/"
RECEIPT_INTRO = (
    "Quý cơ quan xác nhận đã nhận sản phẩm trực tiếp tại địa chỉ riêng (không cần tài "
    "khoản; xin không chuyển tiếp thư này ra ngoài cơ quan):"
)
RECEIPT_BUTTON = "Xác nhận đã nhận"


def wording(link: str) -> tuple[str, str]:
    """The paragraph introducing the link and its button's title."""
    if STEP_MARK in link:
        return RECEIPT_INTRO, RECEIPT_BUTTON
    return LINK_INTRO, BUTTON_TITLE


def text_with_link(text: str, link: str) -> str:
    if not link:
        return text
    return f"{_footer(text, link).rstrip()}\n\n{wording(link)[0]}\n{link}\n"


def _footer(body: str, link: str) -> str:
    """The lead's closing request points at its page link (a receipt link is not for that)."""
    return body if STEP_MARK in link else with_link_footer(body)


def html_with_link(body: str, link: str) -> str:
    if not link:
        return body
    body = _footer(body, link)
    anchor = html.escape(link, quote=True)
    intro, button = wording(link)
    paragraph = (
        f"<p>{html.escape(intro)}<br>\n"
        f'<a href="{anchor}"><strong>{html.escape(button)}</strong></a><br>\n'
        f"<small>{anchor}</small></p>\n"
    )
    closing = body.rfind("</body>")
    return body[:closing] + paragraph + body[closing:] if closing >= 0 else body + paragraph


def oa_button(link: str) -> dict[str, object]:
    """The attachment of an OA consultation message: one button opening the agency's page."""
    button = {"title": wording(link)[1], "type": "oa.open.url", "payload": {"url": link}}
    return {"type": "template", "payload": {"buttons": [button]}}
