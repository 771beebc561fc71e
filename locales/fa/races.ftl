# The loser of a race (two taps, two people at once) is told who won and when.
# { $at } is «ساعت ۱۰:۴۲» today, else «در ۱۴ آذر ۱۴۰۵ ساعت ۱۰:۴۲» (Tehran time).
rv-already-confirmed = این خوداظهاری را { $by } { $at } تأیید کرده است.
rv-already-returned = این خوداظهاری را { $by } { $at } برای اصلاح به دفتر برگردانده است.
submit-already-by = این خوداظهاری را { $by } { $at } ارسال کرده است.
link-code-used-by = این کد را { $by } { $at } استفاده کرده است. اگر شما نبوده‌اید، از منطقه کد تازه بخواهید.
rv-disc-closed-by = به این گزارش { $by } { $at } رسیدگی کرده است.
ticket-already-answered = به پرسش شمارهٔ { $number } { $by } { $at } پاسخ داده است؛ پاسخ شما فرستاده نشد.
admin-period-changed-by = دورهٔ «{ $code }» را { $by } { $at } تغییر داده است؛ چیزی تغییر نکرد. دوره را دوباره ببینید و اگر لازم است دوباره تغییر دهید.
admin-period-cancelled-by = دورهٔ «{ $code }» را { $by } { $at } لغو کرده است؛ چیزی تغییر نکرد.
correct-reopened-by = خوداظهاری دفتر { $code } را { $by } { $at } بازگشایی کرده است؛ چیزی تغییر نکرد.
results-already-published = نتایج این دوره را { $by } { $at } اعلام کرده است.
