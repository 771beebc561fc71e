## Headquarters: who acts for an office, and unlinking an account by hand (/links).

hq-links-usage = کد دفتر را پس از فرمان بنویسید، مثلاً: /links 16598444
hq-links-none = هیچ حسابی به دفتر { $code } متصل نیست.
hq-links-title = <b>حساب‌های متصل به «{ $name }» (کد { $code })</b>
hq-links-line = { $number }. { $name }، { $platform } { $user }، { $via }، از { $date }
hq-links-platform-bale = بله
hq-links-platform-telegram = تلگرام
hq-links-via-contact = با شمارهٔ همراه
hq-links-via-code = با کد یک‌بارمصرف
hq-links-via-other = به دست ستاد
hq-links-button-unlink = ✂️ قطع اتصال { $number }
hq-links-ask = اتصال حساب { $platform } { $user } به دفتر { $code } قطع شود؟ این حساب از همین لحظه نمی‌تواند برای این دفتر کاری انجام دهد و به او اطلاع داده می‌شود.
hq-links-button-confirm = بله، قطع شود
hq-links-unlinked = اتصال حساب { $platform } { $user } به «{ $name }» (کد { $code }) قطع شد. این کار در گزارش رویدادها ثبت شد و به آن شخص اطلاع داده شد.
