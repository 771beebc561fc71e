## آمار اعلام نتایج: منشأ رتبه‌ها (خوداظهاری، اطلاعات دورهٔ قبل، حداقل امتیاز) و خروجی نتایج دفترها.

stats-source-declared = خوداظهاری این دوره
stats-source-carried_forward = اطلاعات تأییدشدهٔ قبلی
stats-source-minimum = حداقل امتیاز (بدون اطلاعات)
stats-source-rank = { $source }: رتبهٔ { $rank }
stats-sheet-sources-by-type = منشأ رتبه‌ها به تفکیک نوع
stats-sheet-sources-by-region = منشأ رتبه‌ها به تفکیک منطقه
stats-sheet-offices = نتایج دفترها
stats-chart-title = منشأ رتبهٔ دفترها به تفکیک منطقه
stats-col-code = کد دفتر
stats-col-name = نام دفتر
stats-col-source = منشأ اطلاعات
stats-col-negatives = امتیاز منفی
stats-col-association = امتیاز انجمن
stats-col-satisfaction = رضایتمندی
stats-col-total = امتیاز کل
stats-col-rank = رتبه
