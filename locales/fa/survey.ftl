## The citizens' satisfaction survey: the citizen's steps, the owner's summary, the region's
## review of bursts, and the printed poster.

survey-intro = <b>نظرسنجی رضایت مراجعان</b>
    «{ $name }»، { $city }
    نظر شما بی‌نام است: دفتر نمی‌بیند چه کسی نظر داده است.
survey-ask-contact = برای اینکه هر نفر فقط یک بار نظر بدهد، یک بار شمارهٔ همراه خود را با دکمهٔ زیر بفرستید.
survey-contact-again = لطفاً شمارهٔ همراه خود را با دکمهٔ «ارسال شمارهٔ همراه من» بفرستید.
survey-not-own-contact = این شماره متعلق به حساب شما نیست. لطفاً شمارهٔ خودتان را با دکمهٔ زیر بفرستید.
survey-bad-number = این شماره، شمارهٔ همراه معتبر ایران نیست. نظرسنجی فقط با شمارهٔ همراه ایرانی ممکن است.
survey-number-saved = سپاس، شمارهٔ شما ثبت شد.
survey-ask-service = در این دفتر چه خدمتی گرفتید؟
survey-previous = شما در این دوره پیش‌تر به این دفتر نظر داده‌اید ({ $stars }). نظر تازه جای آن را می‌گیرد.
survey-ask-stars = خدمت: { $service }
    از خدمت این دفتر چقدر راضی بودید؟
survey-stars-1 = 😠 خیلی بد
survey-stars-2 = 🙁 بد
survey-stars-3 = 😐 متوسط
survey-stars-4 = 🙂 خوب
survey-stars-5 = 😍 عالی
survey-rated = ثبت شد: { $stars }.
survey-ask-fee = پرسش اختیاری: آیا در این دفتر مبلغی بیش از تعرفهٔ رسمی خدمت از شما خواسته شد؟
survey-button-yes = بله
survey-button-no = خیر
survey-button-skip = پاسخ نمی‌دهم
survey-fee-noted = سپاس. گزارش شما بدون نام شما بررسی می‌شود.
survey-ask-comment = اگر توضیحی دارید همین‌جا بنویسید (اختیاری)؛ وگرنه «پایان» را بزنید.
survey-button-finish = ✅ پایان
survey-thanks = سپاس از وقتی که گذاشتید. نظر شما ثبت شد و در ارزیابی این دفتر به کار می‌رود.
    اگر در همین دوره دوباره به این دفتر رفتید، می‌توانید با همان کد نظرتان را تغییر دهید.
survey-bad-link = این پیوند نظرسنجی معتبر نیست. لطفاً کد QR روی برگهٔ دفتر را دوباره اسکن کنید.
survey-closed = نظرسنجی دفاتر اکنون فعال نیست. سپاس از همراهی شما.
survey-own-office = این دفتر به حساب یا شمارهٔ شما متصل است و نمی‌توانید به آن امتیاز دهید. نظرسنجی برای مراجعان دفتر است.
survey-staff = کارکنان ستاد، مناطق، انجمن‌ها و کارشناسان نمی‌توانند در نظرسنجی دفاتر شرکت کنند.
survey-busy = اکنون نظرهای زیادی برای این دفتر ثبت می‌شود. لطفاً یک ساعت دیگر دوباره تلاش کنید.
survey-too-many = شما امروز به چند دفتر امتیاز داده‌اید. لطفاً فردا دوباره تلاش کنید.
survey-stale = این مرحلهٔ نظرسنجی دیگر معتبر نیست. لطفاً کد QR دفتر را دوباره اسکن کنید.

## The owner's summary: counts only, never who.
survey-menu-button = 📊 نظرسنجی مراجعان
survey-owner-title = <b>نظرسنجی مراجعان «{ $name }»</b>
survey-owner-period = دوره: { $period }
survey-owner-none = هنوز نظری برای این دوره ثبت نشده است.
survey-owner-counted = نظرهای شمرده‌شده: { $count } (میانگین { $mean } از ۵)
survey-owner-stars = 😍 { $s5 } · 🙂 { $s4 } · 😐 { $s3 } · 🙁 { $s2 } · 😠 { $s1 }
survey-owner-counted-few = نظرهای شمرده‌شده: { $count }. میانگین و جزئیات از { $min } نظر به بعد نشان داده می‌شود تا نظر هیچ‌کس شناخته نشود.
survey-owner-held = در انتظار بررسی منطقه: { $count }
survey-owner-points = امتیاز رضایتمندی: { $points } از { $max }
survey-owner-below = تا رسیدن به { $min } نظر، امتیاز پیش‌فرض ({ $points } از { $max }) حساب می‌شود.
survey-owner-poster-hint = برگهٔ نظرسنجی را چاپ کنید و کنار میز پذیرش بگذارید. کد QR آن مراجعان را به ربات در بله یا تلگرام می‌برد.
survey-owner-no-period = اکنون دوره‌ای برای نظرسنجی نیست.
survey-button-poster = 📄 برگهٔ نظرسنجی (PDF)
survey-button-link-bale = 🔗 پیوند نظرسنجی در بله
survey-button-link-telegram = 🔗 پیوند نظرسنجی در تلگرام
survey-poster-caption = برگهٔ نظرسنجی «{ $name }»: در اندازهٔ A5 چاپ کنید.

## The region's review of bursts, and reports of fees beyond the tariff.
survey-flags-none = نظرسنجی: موردی در انتظار بررسی نیست.
survey-flags-title = <b>نظرسنجی: { $count } مورد مشکوک در انتظار بررسی</b>
survey-flag-line = «{ $name }» (کد { $code }): { $count } نظر نگه داشته شده است.
    علت: { $reason }. از { $date }.
survey-reason-top = امتیاز کامل فراوان در زمانی کوتاه
survey-reason-new = نظرهای فراوان از حساب‌های تازه
survey-button-clear = ✅ شمرده شود
survey-button-reject = 🚫 کنار گذاشته شود
survey-flag-cleared = نظرهای نگه‌داشتهٔ «{ $name }» ({ $count }) شمرده شد.
survey-flag-rejected = نظرهای نگه‌داشتهٔ «{ $name }» ({ $count }) کنار گذاشته شد و در امتیاز اثری ندارد.
survey-flag-decided = این مورد پیش‌تر بررسی شده است.
survey-flag-notice = نظرسنجی «{ $name }» (کد { $code }): { $count } نظر در زمانی کوتاه رسید و تا بررسی شما در امتیاز شمرده نمی‌شود. برای بررسی /survey را بزنید.
survey-fee-notice = نظرسنجی «{ $name }» (کد { $code }): { $count } مراجع گفته‌اند مبلغی بیش از تعرفهٔ رسمی از آنان خواسته شده است. این گزارش بی‌نام است و به‌خودی‌خود امتیاز منفی نیست؛ در صورت لزوم بررسی کنید.

## The poster (A5, black and white).
survey-poster-title = نظرسنجی رضایت مراجعان
survey-poster-place = { $city }، کد دفتر { $code }
survey-poster-lead = از خدمتی که امروز گرفتید راضی بودید؟
survey-poster-lead-2 = نظر شما در ارزیابی این دفتر اثر دارد.
survey-poster-step-1 = ۱. کد زیر را با دوربین گوشی اسکن کنید؛ هر کدام را که در گوشی دارید: بله یا تلگرام.
survey-poster-step-2 = ۲. در ربات «شروع» را بزنید و یک بار شمارهٔ همراه خود را بفرستید.
survey-poster-step-3 = ۳. خدمت را انتخاب کنید و امتیاز بدهید؛ کمتر از یک دقیقه.
survey-poster-anonymous = نظر شما بی‌نام است: دفتر نمی‌بیند چه کسی نظر داده است.
survey-poster-fee = اگر مبلغی بیش از تعرفهٔ رسمی از شما خواسته شد، در همین نظرسنجی بگویید.
survey-poster-bale = بله
survey-poster-telegram = تلگرام
survey-poster-footer = ارزیابی دفاتر پیشخوان خدمات دولت و دفاتر ICT روستایی

## Refusals of the survey's administration (mostly read on the command line).
survey-no-office = دفتری با کد «{ $code }» پیدا نشد.
survey-no-flag = مورد مشکوک شمارهٔ { $flag } پیدا نشد.
survey-flag-already = مورد مشکوک شمارهٔ { $flag } پیش‌تر بررسی شده است.
survey-reviewers-only = بررسی موارد مشکوک نظرسنجی فقط در اختیار کارشناسان منطقه و ستاد است.
survey-services-count = فایل { $name }: از ۲ تا ۱۲ خدمت بدهید، نه { $count }.
survey-services-key = سطر { $row }: کلید باید ۱ تا ۱۶ نویسه از a-z، 0-9 و _ باشد (نه «{ $key }»).
survey-services-twice = سطر { $row }: کلید «{ $key }» تکراری است.
survey-services-title = سطر { $row }: title_fa باید ۱ تا ۶۰ نویسه باشد.
