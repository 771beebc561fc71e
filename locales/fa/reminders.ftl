# Deadline reminders, the liaison-list deadline and the close of a window (storage/reminders.py).
# Numbers arrive already in Persian digits; { $left } is a span such as «۳ روز و ۵ ساعت».

remind-opened = <b>پنجرهٔ خوداظهاری ششماهه باز شد.</b> مهلت ثبت تا پایان روز { $deadline } است ({ $left } دیگر).
remind-days = <b>یادآوری:</b> { $left } تا پایان مهلت خوداظهاری مانده است (پایان روز { $deadline }).
remind-last-day = <b>امروز، { $deadline }، آخرین روز مهلت خوداظهاری است.</b> تنها { $left } مانده است.
remind-hours = <b>یادآوری:</b> تنها { $left } تا پایان مهلت خوداظهاری مانده است.
remind-not-started = هنوز خوداظهاری این دفتر را شروع نکرده‌اید؛ { $count } مورد باید تکمیل شود: { $items }.
remind-missing = { $count } مورد هنوز تکمیل نشده: { $items }.
remind-complete = همهٔ موارد تکمیل شده است؛ فقط ثبت نهایی مانده است.
remind-office = دفتر: { $office } (کد { $code })
remind-hint-resume = با دکمهٔ زیر از همان جایی که مانده بودید ادامه دهید.
remind-hint-start = برای شروع، دکمهٔ زیر را بزنید.
remind-button-resume = ادامهٔ خوداظهاری
remind-button-start = شروع خوداظهاری
remind-item = { $title }
remind-item-evidence = { $title } (مستندات)
remind-items-more = { $items } و { $more } مورد دیگر
remind-span-day = { $days } روز
remind-span-days = { $days } روز
remind-span-hour = { $hours } ساعت
remind-span-hours = { $hours } ساعت
remind-span-and = { $first } و { $second }
remind-liaison = <b>یادآوری:</b> مهلت اعلام تغییرات فهرست رابطان منطقه پایان روز { $deadline } است ({ $left } مانده). لطفاً تغییرات را پیش از این مهلت به ستاد اعلام کنید.

close-carried = مهلت خوداظهاری دفتر «{ $office }» در پایان روز { $deadline } به پایان رسید و پیش‌نویس شما ثبت نهایی نشد. بنا بر مقررات، عدم اعلام تغییرات به منزلهٔ تأیید اطلاعات قبلی است؛ اطلاعات تأییدشدهٔ دورهٔ پیش ملاک ارزیابی دفتر شما خواهد بود.
close-minimum = مهلت خوداظهاری دفتر «{ $office }» در پایان روز { $deadline } به پایان رسید و پیش‌نویس شما ثبت نهایی نشد. چون از دوره‌های پیش نیز اطلاعات تأییدشده‌ای ندارید، حداقل امتیاز و رتبهٔ { $rank } برای دفتر شما منظور می‌شود.
