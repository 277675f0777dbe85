"""The clinician report on plain data, without Home Assistant: the period, the chart, the CSV."""
