"""The all-or-nothing import of organisations, credentials, listings and buyers' demand from a
workbook, a JSON document or CSV files: readers turn a file into rows, services validate and
store them, the CLI and the staff page commit only when every row is good."""
