## The owner's result of a period (storage/results.py result_text; handlers/results.py).

result-title = 🏅 <b>نتیجهٔ ارزیابی { $period }</b>
result-office = { $name } (کد { $code })
result-total = امتیاز: <b>{ $total } از { $max }</b>؛ رتبهٔ <b>{ $rank }</b>
result-share-all = این رتبه اجازهٔ ارائهٔ همهٔ خدمات را می‌دهد.
result-share-part = با این رتبه حداکثر { $share }٪ خدمات را می‌توانید ارائه دهید.
result-source-declared = مبنا: خوداظهاری همین دوره، پس از بررسی منطقه.
result-source-carried_forward = مبنا: اطلاعات تأییدشدهٔ دورهٔ قبل؛ تغییری اعلام نکرده بودید.
result-source-minimum = مبنا: اطلاعاتی از این دفتر در دست نیست؛ حداقل امتیاز و پایین‌ترین رتبه.
result-breakdown = <b>جزئیات امتیاز</b>
result-line = • { $title }: { $points } از { $max } ({ $reason })
result-negatives = <b>امتیاز منفی</b>
result-negative-line = • { $title }: { $reason }
result-no-negatives = امتیاز منفی: ندارد.
result-change = نسبت به { $period }: امتیاز { $delta }؛ رتبه از { $old } به { $new } رسید.
result-change-same-rank = نسبت به { $period }: امتیاز { $delta }؛ رتبه بدون تغییر ({ $rank }).
result-no-previous = نتیجه‌ای از دورهٔ قبل برای مقایسه نیست.
result-none = هنوز نتیجهٔ ارزیابی‌ای برای این دفتر اعلام نشده است. پس از اعلام نتایج، همین‌جا آن را می‌بینید.
