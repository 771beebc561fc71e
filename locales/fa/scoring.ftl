## Scoring: refused answers (scoring.answers.ANSWER_ERROR_KEYS) and the reason for each line of a
## score (scoring.score.REASON_KEYS). Units, titles and options come as *_fa / *_en arguments.

answer-empty = پاسخی نرسید. لطفاً پاسخ را بنویسید.
answer-not-a-number = «{ $text }» عدد نیست. لطفاً با رقم بنویسید، مثلاً ۸۵.
answer-bad-grouping = «{ $text }» درست نوشته نشده است. عدد را بدون جداکننده بنویسید، مثلاً ۱۲۰۰.
answer-too-long = «{ $text }» بیش از { $digits } رقم دارد. لطفاً عدد را درست بنویسید.
answer-not-whole = لطفاً عدد صحیح و بدون اعشار بنویسید.
answer-negative = عدد منفی پذیرفته نمی‌شود.
answer-out-of-range = عدد باید بین { $min } و { $max } { $unit_fa } باشد.
answer-too-small = عدد باید دست‌کم { $min } { $unit_fa } باشد.
answer-too-large = عدد باید حداکثر { $max } { $unit_fa } باشد.
answer-not-yes-no = لطفاً «بله» یا «خیر» را بزنید.
answer-unknown-option = «{ $text }» در فهرست گزینه‌ها نیست. لطفاً یکی از دکمه‌ها را بزنید.
answer-duplicate-option = گزینهٔ «{ $text }» دو بار انتخاب شده است.
answer-count-out-of-range = تعداد باید بین { $min } و { $max } باشد؛ اکنون { $count } است.
answer-use-buttons = لطفاً از دکمه‌های زیر استفاده کنید.
answer-bad-name = لطفاً نام را با حروف بنویسید (حداکثر { $max } نویسه).
answer-bad-staff = اطلاعات نفر { $number } در فهرست کارکنان ناقص است.
answer-invalid = این پاسخ پذیرفته نیست. لطفاً دوباره پاسخ دهید.

reason-band = { $value } { $unit_fa }: از { $low } تا کمتر از { $high } ← { $points } امتیاز
reason-band-top = { $value } { $unit_fa }: { $low } یا بیشتر ← { $points } امتیاز
reason-band-below = { $value } { $unit_fa }: کمتر از { $low } ← { $points } امتیاز
reason-per-unit = { $value } { $unit_fa } × { $per_unit } ← { $points } امتیاز
reason-per-unit-capped = { $value } { $unit_fa } × { $per_unit } ← { $points } امتیاز (سقف)
reason-choice = { $option_fa } ← { $points } امتیاز
reason-multi = { $options_fa } ← { $points } امتیاز
reason-multi-capped = { $options_fa } ← { $points } امتیاز (سقف)
reason-multi-none = هیچ‌کدام ← { $points } امتیاز
reason-yes = بله ← { $points } امتیاز
reason-no = خیر ← { $points } امتیاز
reason-staff = { $count } نفر ({ $details_fa }) ← { $points } امتیاز
reason-staff-capped = { $count } نفر ({ $details_fa }) ← { $points } امتیاز (سقف)
reason-staff-none = بدون کارمند ← { $points } امتیاز
reason-unanswered = بی‌پاسخ ← { $points } امتیاز
reason-invalid = پاسخ ثبت‌شده با جدول امتیاز این دوره سازگار نیست ← { $points } امتیاز
reason-completeness = { $done } مورد از { $total } مورد کامل ← { $points } امتیاز
reason-association = امتیاز انجمن: { $value } از { $max } ← { $points } امتیاز
reason-association-missing = انجمن امتیازی ثبت نکرده است ← { $points } امتیاز
reason-satisfaction = امتیاز رضایتمندی: { $value } از { $max } ← { $points } امتیاز
reason-satisfaction-mean = میانگین نظرسنجی: { $mean } از { $mean_max } ← { $points } امتیاز
reason-satisfaction-few = { $count } نفر در نظرسنجی شرکت کرده‌اند، کمتر از حداقل { $min } نفر؛ امتیاز پیش‌فرض ← { $points } امتیاز
reason-satisfaction-missing = نظرسنجی ثبت نشده است؛ امتیاز پیش‌فرض ← { $points } امتیاز
reason-negative = { $count } مورد × { $per } امتیاز ← کسر { $deduction } امتیاز
reason-no-data = بدون اطلاعات: حداقل امتیاز
