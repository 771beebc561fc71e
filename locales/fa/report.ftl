## Period report (bot.reports): sheet names, column headers, the rank chart.

report-sheet-participation-by-type = مشارکت به تفکیک نوع دفتر
report-sheet-participation-by-region = مشارکت به تفکیک منطقه
report-sheet-ranks-by-type = رتبه به تفکیک نوع دفتر
report-sheet-ranks-by-region = رتبه به تفکیک منطقه
report-col-office-type = نوع دفتر
report-col-region = منطقه
report-col-registered = دفاتر ثبت‌شده
report-col-declared = خوداظهاری‌کرده
report-col-percent = درصد مشارکت
report-col-rank = رتبهٔ { $rank }
report-col-rank-percent = درصد رتبهٔ { $rank }
report-col-ranked = جمع دفاتر رتبه‌بندی‌شده
report-total = جمع
report-chart-title = تعداد دفاتر هر رتبه به تفکیک منطقه
report-chart-rank = رتبهٔ { $rank }
report-chart-y = تعداد دفاتر
