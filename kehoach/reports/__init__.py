"""Reports for the leadership: the Word report, the Excel workbook, emulation figures."""
