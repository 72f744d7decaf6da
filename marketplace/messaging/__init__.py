"""Notifications (in-app and mail); conversations come with issue #7."""
