## Period report (bot.reports): sheet names, column headers, the rank chart.

report-sheet-participation-by-type = Participation by office type
report-sheet-participation-by-region = Participation by region
report-sheet-ranks-by-type = Ranks by office type
report-sheet-ranks-by-region = Ranks by region
report-col-office-type = Office type
report-col-region = Region
report-col-registered = Registered offices
report-col-declared = Declared
report-col-percent = Participation (%)
report-col-rank = Rank { $rank }
report-col-rank-percent = Rank { $rank } (%)
report-col-ranked = Offices ranked
report-total = Total
report-chart-title = Offices of each rank by region
report-chart-rank = Rank { $rank }
report-chart-y = Offices
