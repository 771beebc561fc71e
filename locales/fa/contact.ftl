## Contact with the experts: the directory, questions (tickets), and the answerers' side.
## Numbers arrive as ints and are shown with Persian digits; phones stay in ASCII digits so
## that the apps make them tappable.

contact-title = <b>کارشناسان ستاد</b>
contact-expert-line = { $name }، { $topic }: { $phone }
contact-expert-hours = ساعت پاسخ‌گویی: { $hours }
contact-liaison-line = <b>رابط منطقهٔ { $region }:</b> { $name }، { $phone }
contact-liaison-no-phone = <b>رابط منطقهٔ { $region }:</b> { $name }
contact-liaison-none = رابط منطقهٔ { $region } هنوز معرفی نشده است.
contact-region-phone = تلفن منطقه: { $phone }
contact-ask-hint = پرسش خود را می‌توانید همین‌جا بنویسید؛ پاسخ در همین ربات می‌رسد.
contact-button-ask = پرسش تازه
contact-button-my-tickets = پرسش‌های من
contact-button-menu = منوی اصلی
contact-button-cancel = انصراف
contact-button-done = تمام

ticket-choose-office = پرسش دربارهٔ کدام دفتر است؟
ticket-choose-category = موضوع پرسش را انتخاب کنید.
ticket-category-declaration = خوداظهاری
ticket-category-evidence = مستندات
ticket-category-scoring = امتیاز و رتبه
ticket-category-technical = مشکل فنی
ticket-category-discrepancy = مغایرت اطلاعات
ticket-ask-text = پرسش خود دربارهٔ «{ $category }» را در یک پیام بنویسید (حداکثر { $max } نویسه). عکس یا PDF را هم می‌توانید با توضیح بفرستید.
ticket-created =
    پرسش شما با شمارهٔ <b>{ $number }</b> ثبت شد و به { $to } رسید. پاسخ در همین ربات می‌آید.
    اگر عکس یا PDF دیگری دارید، همین حالا بفرستید؛ وگرنه «تمام» را بزنید.
ticket-level-0 = رابط منطقه
ticket-level-1 = کارشناس ستاد
ticket-level-2 = سرپرست کارشناسان ستاد
ticket-need-caption = لطفاً توضیح پرسش را هم بنویسید: عکس یا PDF را همراه با توضیح بفرستید، یا نخست متن پرسش را بفرستید.
ticket-wrong-input = فقط متن، عکس یا فایل PDF پذیرفته می‌شود. لطفاً پرسش خود را بنویسید.
ticket-cancelled = لغو شد.
ticket-done = ثبت شد. پاسخ در همین ربات به شما می‌رسد.
ticket-list-title = <b>پرسش‌های دفتر شما</b>
ticket-list-empty = هنوز پرسشی ثبت نکرده‌اید.
ticket-list-line = { $number }. { $category }، { $status }
ticket-button-number = شمارهٔ { $number }
ticket-status-open = در انتظار پاسخ
ticket-status-answered = پاسخ داده شد
ticket-status-closed = بسته
ticket-card-title = <b>پرسش شمارهٔ { $number }</b>، { $category }
ticket-card-state = وضعیت: { $status }
ticket-card-level = نزد: { $level }
ticket-card-assignee = پاسخ‌گو: { $name } ({ $level })
ticket-card-rating = امتیاز شما به پاسخ: { $rating } از ۵
ticket-msg-owner = <b>دفتر</b>، { $when }:
ticket-msg-expert = <b>کارشناس</b>، { $when }:
ticket-msg-file = 📎 همراه با فایل پیوست
ticket-older-hidden = (پیام‌های قدیمی‌تر نشان داده نشده‌اند.)
ticket-button-reply = نوشتن پیام
ticket-button-close = بستن پرسش
ticket-button-view = مشاهده
ticket-rate-button = { $rating } ⭐
ticket-reply-ask = پیام خود برای پرسش شمارهٔ { $number } را بنویسید، یا عکس یا PDF بفرستید.
ticket-reply-sent = پیام شما به پرسش شمارهٔ { $number } افزوده شد.
ticket-closed = پرسش شمارهٔ { $number } بسته شد. به پاسخ از ۱ تا ۵ چه امتیازی می‌دهید؟
ticket-rated = سپاسگزاریم. امتیاز { $rating } ثبت شد.
ticket-stale = این دکمه دیگر معتبر نیست. لطفاً از فهرست تازه استفاده کنید.

ticket-refused-no-office = برای پرسیدن، ابتدا حساب خود را با /start به دفترتان متصل کنید.
ticket-refused-bad-category = این موضوع در فهرست نیست. لطفاً یکی از دکمه‌ها را بزنید.
ticket-refused-too-many-open = دفتر شما { $count } پرسش باز دارد و بیش از { $max } پرسش باز ممکن نیست. لطفاً ابتدا پرسشی را که پاسخ گرفته است در «پرسش‌های من» ببندید.
ticket-refused-flood = در چند دقیقهٔ اخیر پیام‌های زیادی فرستاده‌اید. لطفاً { $minutes } دقیقهٔ دیگر دوباره بفرستید.
ticket-refused-too-long = متن شما { $length } نویسه است و حداکثر { $max } نویسه پذیرفته می‌شود. لطفاً کوتاه‌تر بنویسید.
ticket-refused-empty = متن خالی است. لطفاً پیام را بنویسید.
ticket-refused-not-found = این پرسش در میان پرسش‌های دفتر شما نیست.
ticket-refused-closed = این پرسش بسته شده است. برای موضوع تازه، پرسش تازه‌ای ثبت کنید.
ticket-refused-not-closed = امتیاز را پس از بستن پرسش می‌توانید بدهید.
ticket-refused-already-rated = امتیاز این پرسش پیش‌تر ثبت شده است.
ticket-refused-bad-rating = امتیاز باید عددی از ۱ تا ۵ باشد.
ticket-refused-not-yours = این پرسش به شما ارجاع نشده است و نمی‌توانید به آن پاسخ دهید.
ticket-refused-cannot-claim = نمی‌توانید این پرسش را بردارید: در حوزهٔ شما نیست یا نزد سطح بالاتری است.
ticket-refused-taken = پرسش شمارهٔ { $number } را همکار دیگری همین حالا برداشت؛ «پرسش‌های من» را ببینید.
ticket-refused-bad-target = این شخص نمی‌تواند این پرسش را بپذیرد. لطفاً یکی از دکمه‌ها را بزنید.
ticket-refused-no-faq = این پاسخ آماده دیگر در فهرست نیست.
ticket-refused-not-answerer = این بخش ویژهٔ کارشناسان ستاد و رابطان منطقه است.
ticket-file-too-large = فایل بزرگ‌تر از { $max_mb } مگابایت است. لطفاً فایل کوچک‌تری بفرستید.
ticket-file-wrong-type = فقط عکس (JPEG یا PNG) یا فایل PDF پذیرفته می‌شود.
ticket-file-corrupt = فایل خراب است یا کامل نرسید. لطفاً دوباره بفرستید.
ticket-file-too-many-pixels = ابعاد این عکس بیش از اندازه است. لطفاً عکس کوچک‌تری بفرستید.

ticket-answered-note = <b>پاسخ پرسش شمارهٔ { $number }</b>
ticket-answered-file = 📎 پاسخ فایل پیوست دارد؛ برای دیدن آن «مشاهده» را بزنید.
ticket-escalated-owner = پرسش شمارهٔ { $number } در { $hours } ساعت کاری پاسخ نگرفت و به { $to } ارجاع شد.
ticket-transferred-owner = پرسش شمارهٔ { $number } به { $to } ارجاع شد.
ticket-decl-none = آغاز نشده
ticket-decl-draft = پیش‌نویس
ticket-decl-submitted = ارسال‌شده
ticket-decl-returned = برگشت‌خورده برای اصلاح
ticket-decl-confirmed = تأییدشده
ticket-decl-published = منتشرشده

expert-new-ticket = <b>پرسش تازه، شمارهٔ { $number }</b>: { $category }
expert-escalated-ticket =
    <b>پرسش ارجاعی، شمارهٔ { $number }</b>: { $category }
    در { $hours } ساعت کاری پاسخ نگرفته و به شما رسیده است.
expert-transferred-ticket = <b>پرسش ارجاعی از { $name }، شمارهٔ { $number }</b>: { $category }
expert-owner-wrote = <b>پیام تازهٔ دفتر در پرسش شمارهٔ { $number }</b>: { $category }
expert-card-office = دفتر: { $office } (کد { $code })، منطقهٔ { $region }
expert-card-period = دوره: { $period }؛ خوداظهاری: { $status }
expert-card-no-period = دورهٔ ارزیابی باز نیست.
expert-card-due = مهلت پاسخ: { $when }
expert-ticket-moved = پرسش شمارهٔ { $number } به { $to } ارجاع شد و دیگر نزد شما نیست.
expert-ticket-closed = دفتر پرسش شمارهٔ { $number } را بست.
expert-button-answer = پاسخ
expert-button-faq = پاسخ آماده
expert-button-view = مشاهده
expert-button-transfer = ارجاع
expert-button-claim = برداشتن
expert-button-inbox = پرسش‌های من
expert-inbox-title = <b>پرسش‌های شما</b>
expert-inbox-empty = پرسش بازی برای شما نیست.
expert-inbox-line = { $number }. { $category }، { $office }، { $status }
expert-inbox-pool = <b>بدون پاسخ‌گو</b> (می‌توانید بردارید):
expert-answer-ask = پاسخ خود به پرسش شمارهٔ { $number } را بنویسید (حداکثر { $max } نویسه). عکس یا PDF هم پذیرفته می‌شود.
expert-answer-sent = پاسخ پرسش شمارهٔ { $number } برای دفتر فرستاده شد.
expert-answer-wrong-input = فقط متن، عکس یا فایل PDF پذیرفته می‌شود. لطفاً پاسخ را بنویسید.
expert-faq-title = <b>پاسخ‌های آماده برای پرسش شمارهٔ { $number }</b>. شمارهٔ پاسخ را بزنید تا فرستاده شود.
expert-faq-line =
    <b>{ $n }.</b> { $question }
    { $answer }
expert-faq-button = { $n }
expert-faq-empty = برای این موضوع پاسخ آماده‌ای ثبت نشده است.
expert-claimed = پرسش شمارهٔ { $number } به شما سپرده شد.
expert-transfer-choose = پرسش شمارهٔ { $number } را به چه کسی ارجاع می‌دهید؟
expert-transfer-target = { $name } ({ $level })
expert-transfer-none = کس دیگری برای ارجاع نیست.
expert-transferred = پرسش شمارهٔ { $number } به { $name } ارجاع شد.
