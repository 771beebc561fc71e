## مدیریت: فایل‌های فهرست دفاتر، نقش‌های کارکنان، فهرست کارشناسان، پرسش‌های پرتکرار، تعطیلات و
## دوره‌ها. بیشتر در خط فرمان خوانده می‌شود.

registry-file = { $reason }
registry-no-file = فایلی با این نشانی پیدا نشد: { $path }
registry-no-rows = فایل { $name } هیچ سطری ندارد.
registry-no-data = فایل { $name } جز سطر عنوان داده‌ای ندارد.
registry-not-utf8 = کدگذاری فایل UTF-8 نیست (بایت { $byte }). لطفاً آن را با قالب «CSV UTF-8» ذخیره کنید و دوباره امتحان کنید.
registry-not-xlsx = فایل { $name } یک فایل XLSX خواندنی نیست ({ $reason }).
registry-missing-columns = این ستون‌ها در فایل نیست: { $columns_fa }
registry-no-regions = هنوز منطقه‌ای ثبت نشده است. نخست مناطق را وارد کنید (pishkhan regions import).

admin-error = { $reason }
admin-hq-only = این کار فقط در اختیار ستاد است.
admin-file-unreadable = فایل { $path } خوانده نشد: { $reason }
admin-file-empty = فایل { $name } هیچ سطری ندارد.
admin-row-required = سطر { $row }: { $columns } لازم است.
admin-row-category = سطر { $row }: دستهٔ «{ $category }» شناخته‌شده نیست ({ $allowed }).
admin-row-too-long = سطر { $row }: { $column } از { $max } نویسه بلندتر است.

admin-unknown-role = نقش «{ $role }» شناخته‌شده نیست ({ $roles }).
admin-needs-region = نقش { $role } به یک منطقه وابسته است؛ منطقه را بدهید (--region).
admin-unknown-region = منطقهٔ { $region } شناخته‌شده نیست.
admin-needs-province = عضو انجمن به یک استان وابسته است؛ استان را بدهید (--province).
admin-unknown-province = استان «{ $province }» شناخته‌شده نیست.
admin-unknown-platform = پیام‌رسان «{ $platform }» شناخته‌شده نیست (bale یا telegram).
admin-staff-exists = حساب { $platform }:{ $user } این نقش را از پیش دارد.
admin-no-staff = نقشی با شناسهٔ { $id } پیدا نشد.
admin-no-holiday = { $day } در فهرست تعطیلات نیست.

admin-no-period = دوره‌ای با کد «{ $code }» پیدا نشد.
admin-period-exists = دوره‌ای با کد «{ $code }» از پیش هست.
admin-review-closes-first = مهلت بررسی پیش از آغازش به پایان می‌رسد.
admin-review-before-owners = مهلت بررسی نمی‌تواند پیش از مهلت خوداظهاری دفاتر آغاز شود.

inbox-not-parked = به‌روزرسانی #{ $id } در صف کنارگذاشته‌ها نیست
inbox-parked = <b>یک پیام پس از چند بار تلاش پردازش نشد</b> ({ $platform }، شناسهٔ { $update }): { $error }. فهرست: «pishkhan inbox list»
rv-own-office = دفتر { $code } به حساب شما به‌عنوان مالک متصل است؛ بررسی آن با همکار دیگری است.
assoc-own-office = دفتر { $code } به حساب شما به‌عنوان مالک متصل است؛ امتیاز آن را عضو دیگری از انجمن ثبت می‌کند.
staff-joined = { $name } عزیز، نقش شما در ربات ثبت شد. برای دیدن کارهای خود /start را بزنید.
