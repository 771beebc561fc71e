## گزارش رویدادها (audit): ستون‌ها و پیام‌های خط فرمان و پیشخوان وب.

audit-col-id = شناسه
audit-col-at = زمان (تهران)
audit-col-actor = انجام‌دهنده
audit-col-action = کار
audit-col-entity = موضوع
audit-col-entity-id = شناسهٔ موضوع
audit-col-old = پیش از تغییر
audit-col-new = پس از تغییر
audit-col-reason = دلیل
audit-no-office = دفتری با کد { $code } پیدا نشد.
