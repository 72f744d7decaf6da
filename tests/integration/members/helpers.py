"""A club with its chair on the board, and an invitation made through the page."""

from __future__ import annotations

import re

from marketplace import db
from marketplace.accounts import services as accounts
from tests.clients import csrf_token
from tests.factories import make_org, make_user


def board_club(name: str = "Hội quán Xoài thử"):
    """A committed club and its chair, on its board."""
    club = make_org("club", name=name)
    chair = make_user(None, name="Chú Tư chủ nhiệm")
    accounts.add_member(db.session, club, chair, "seller", "Chủ nhiệm", board=True)
    db.session.commit()
    return club, chair


def invite(client, org_id: int, contact: str = "0912 345 678", role: str = "seller", name: str = "Anh Ba",
           title: str = "Thành viên"):
    """Invite through the members page: (response, link path, code)."""
    response = client.post(f"/orgs/{org_id}/members", data={
        "csrf_token": csrf_token(client), "name": name, "contact": contact, "role": role, "title": title},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    link = re.search(r'id="invite-link" value="[^"]*?(/join/[^"]+)"', page)
    code = re.search(r'id="invite-code" value="(\d{6})"', page)
    return response, (link.group(1) if link else None), (code.group(1) if code else None)
