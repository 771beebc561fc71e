# The owner's journey (issue 20): edits that keep a submission, a way back from every step,
# albums, being told of everything, quiet hours.
button-keep-answer = ✔️ همین پاسخ بماند، بعدی
button-evidence-to-question = ⬅️ بازگشت به پرسش
button-reopen-confirm = ✏️ بله، ویرایش می‌کنم
button-report-discrepancy = ⚠️ گزارش مغایرت به منطقه
edit-reopens = ویرایش «{ $title }» خوداظهاری ارسال‌شدهٔ شما را دوباره باز می‌کند؛ باید پیش از پایان { $date } دوباره آن را ارسال کنید. اگر همان پاسخ قبلی را نگه دارید، چیزی تغییر نمی‌کند.
evidence-not-this = این مرحله فقط عکس یا فایل PDF می‌پذیرد؛ برچسب، صدا، ویدیو یا مکان پذیرفته نمی‌شود. فایل را بفرستید، یا «تمام» یا «بازگشت به پرسش» را بزنید.
evidence-list-empty = فایلی باقی نمانده است.
review-changed = 🔄 تغییر نسبت به دورهٔ قبل (قبلاً: { $before })
evidence-album-received = 📎 { $added } فایل از یک آلبوم دریافت شد ({ $count } فایل برای «{ $title }»):
    { $files }
    فایل بعدی را بفرستید یا «تمام» را بزنید.
evidence-rejected-notice = ⚠️ منطقه یکی از فایل‌های «{ $title }» را در خوداظهاری «{ $name }» (کد { $code }) نپذیرفت.
    دلیل: { $reason }
    آنچه به‌جای آن لازم است: { $wanted }
    فایل پذیرفتنی: { $accepts }
    فایل تازه را پیش از پایان مهلت از مرور خوداظهاری (دکمهٔ زیر) بفرستید.
review-confirmed-see-results = منطقه خوداظهاری شما را بررسی و تأیید کرده است؛ امتیاز و رتبهٔ قطعی را در «🏅 نتیجهٔ ارزیابی» ببینید.
ticket-created-no-expert =
    پرسش شما با شمارهٔ <b>{ $number }</b> ثبت شد، اما اکنون کارشناسی برای منطقهٔ شما تعیین نشده است و ممکن است پاسخ دیر برسد.
    برای پاسخ سریع‌تر با این شماره‌ها تماس بگیرید:
    { $phones }
    اگر عکس یا PDF دیگری دارید، همین حالا بفرستید؛ وگرنه «تمام» را بزنید.
