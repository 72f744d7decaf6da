"""The plan's targets and its reports (issue #20): the staff dashboard, the semi-annual and annual
reports (xlsx, PDF, CSV), reminders before they are due, and reports kept as filed."""
