"""Linked sales chains (chuỗi liên kết, issue #18): a season contract between a buyer organisation
and one or more clubs or cooperatives, accepted by both sides, delivered as orders with lots, and
measured against its plan (planned vs delivered, on time, traceable to an active code)."""
