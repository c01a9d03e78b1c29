"""The agencies' own web pages, reached from the signed link in every notice."""
