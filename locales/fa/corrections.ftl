## اصلاح با ذکر دلیل: بازگشایی خوداظهاری تأییدشده، لغو امتیاز منفی، حذف امتیاز انجمن، و نسخهٔ تازهٔ نتیجه.

correct-no-declaration = دفتر { $code } در دورهٔ «{ $period }» خوداظهاری ندارد.
correct-not-confirmed = خوداظهاری دفتر { $code } تأییدشده نیست (وضعیت: { $status ->
        [draft] { status-draft }
        [submitted] { status-submitted }
        [returned] { status-returned }
        [published] { status-published }
       *[other] نامشخص
    })؛ فقط خوداظهاری تأییدشده بازگشایی می‌شود.
correct-no-negative = امتیاز منفی شمارهٔ { $id } پیدا نشد (شاید پیش‌تر لغو شده است).
correct-no-association = برای دفتر { $code } امتیاز انجمنی ثبت نشده است.
correct-reopened-notice = خوداظهاری «{ $office }» (کد { $code }) در { $period_fa } از سوی ستاد برای بررسی دوباره باز شد. دلیل: { $reason }
correct-negative-notice = امتیاز منفی «{ $title_fa }» (شمارهٔ رأی { $reference }) برای «{ $office }» (کد { $code }) در { $period_fa } از سوی ستاد لغو شد. دلیل: { $reason }
correct-association-notice = امتیاز انجمن ({ $score }) برای «{ $office }» (کد { $code }) در { $period_fa } از سوی ستاد حذف شد. دلیل: { $reason }
correct-result-notice = نتیجهٔ «{ $office }» (کد { $code }) در { $period_fa } اصلاح شد (نسخهٔ { $version }): امتیاز از { $old_total } به { $new_total } و رتبه از { $old_rank } به { $new_rank } رسید؛ سهم خدمات: { $share }٪. دلیل: { $reason }
correct-done = انجام شد؛ به { $told } حساب خبر داده می‌شود.
correct-new-version = نتیجهٔ دفتر { $code } نسخهٔ { $version } شد: امتیاز { $old_total } ← { $new_total }، رتبه { $old_rank } ← { $new_rank }.

## پیام‌های بارگذاری فایل امتیاز انجمن (ردیف‌ها و ستون‌ها).
assoc-row-empty = خالی است.
assoc-row-duplicate = کد { $code } تکراری است (نخستین بار در ردیف { $first }).
assoc-row-province = دفتر { $code } در استان { $province } است، نه در استان شما.
assoc-row-range = خارج از بازه است؛ باید بین { $min } و { $max } باشد.
assoc-row-number = «{ $text }» عدد نیست.
assoc-row-whole = «{ $text }» عدد صحیح نیست.
assoc-row-score-or-mean = امتیاز یا میانگین رضایت را بنویسید.
assoc-col-office_code = کد دفتر
assoc-col-score = امتیاز
assoc-col-mean = میانگین
assoc-col-respondents = تعداد پاسخ‌دهندگان
row-cell-too-long = { $length } نویسه دارد (حداکثر { $max }).
row-cell-nul = نویسهٔ نامعتبر (NUL) دارد.
correct-published = نتایج دورهٔ «{ $period }» منتشر شده است و منطقه دیگر نمی‌تواند خوداظهاری دفتر { $code } را دوباره بررسی کند؛ چیزی تغییر نکرد. برای اصلاح نتیجه، امتیاز منفی را لغو یا امتیاز انجمن را حذف کنید تا نسخهٔ تازهٔ نتیجه ساخته و به دفتر خبر داده شود.
