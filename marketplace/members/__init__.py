"""A club's (or any organisation's) members: invitations by phone or e-mail, joining, removal, and
the households a chair records for members who have no phone (issue #19)."""
