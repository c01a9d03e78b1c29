"""Putting a plan in without writing YAML: the spreadsheet template and document import."""
