## The announcement's statistics: where ranks came from (declared, carried forward, minimum) and the per-office results export.

stats-source-declared = Declared this period
stats-source-carried_forward = Carried forward
stats-source-minimum = Minimum (no data)
stats-source-rank = { $source }: rank { $rank }
stats-sheet-sources-by-type = Rank sources by type
stats-sheet-sources-by-region = Rank sources by region
stats-sheet-offices = Office results
stats-chart-title = Where offices' ranks came from, by region
stats-col-code = Office code
stats-col-name = Office name
stats-col-source = Source of data
stats-col-negatives = Negative points
stats-col-association = Association score
stats-col-satisfaction = Satisfaction
stats-col-total = Total
stats-col-rank = Rank
