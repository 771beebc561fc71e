## دوره‌ها: ساخت، ویرایش، لغو و تمدید مهلت خوداظهاری (خط فرمان و پیشخوان وب).

admin-period-overlaps = مهلت دفاتر در دورهٔ «{ $code }» ({ $window }) با مهلت دورهٔ «{ $other }» ({ $other_window }) هم‌پوشانی دارد؛ چیزی تغییر نکرد.
admin-period-closes-first = مهلت خوداظهاری پیش از آغازش به پایان می‌رسد.
admin-period-started = دورهٔ «{ $code }» آغاز شده است و دیگر ویرایش یا لغو نمی‌شود؛ فقط می‌توان مهلت آن را تمدید کرد.
admin-period-opens-in-past = آغاز دورهٔ «{ $code }» نمی‌تواند به گذشته منتقل شود.
admin-period-not-open = مهلت خوداظهاری دورهٔ «{ $code }» اکنون باز نیست؛ فقط مهلت باز تمدید می‌شود.
admin-extend-earlier = مهلت تازه باید پس از پایان مهلت کنونی ({ $date }) باشد.
admin-reason-required = دلیل این کار را بنویسید.
period-extended-notice = مهلت خوداظهاری { $period_fa } برای «{ $office }» (کد { $code }) تا پایان { $date } تمدید شد. خوداظهاری شما هنوز ثبت نشده است؛ لطفاً تا این تاریخ آن را تکمیل و ثبت کنید.
period-created = دورهٔ «{ $code }» ساخته شد: { $window }
period-edited = دورهٔ «{ $code }» ویرایش شد: { $window }
period-cancelled = دورهٔ «{ $code }» لغو شد.
period-extended = مهلت دورهٔ «{ $code }» تا { $date } تمدید شد؛ به { $told } دارندهٔ پروانه خبر داده می‌شود.
admin-rubric-invalid = پروندهٔ جدول امتیاز پذیرفته نشد: { $errors }
