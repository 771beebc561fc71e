# Deadline reminders, the liaison-list deadline and the close of a window (storage/reminders.py).
# { $left } is a span such as "3 days and 5 hours".

remind-opened = <b>The self-declaration window is open.</b> The deadline is the end of { $deadline } ({ $left } from now).
remind-days = <b>Reminder:</b> { $left } left until the self-declaration deadline (the end of { $deadline }).
remind-last-day = <b>Today, { $deadline }, is the last day of the self-declaration.</b> Only { $left } left.
remind-hours = <b>Reminder:</b> only { $left } left until the self-declaration deadline.
remind-not-started = You have not started this office's self-declaration yet. To complete ({ $count }): { $items }.
remind-missing = Still incomplete ({ $count }): { $items }.
remind-complete = Every item is complete; only the final submission is left.
remind-office = Office: { $office } (code { $code })
remind-hint-resume = Continue where you left off with the button below.
remind-hint-start = Press the button below to start.
remind-button-resume = Continue the self-declaration
remind-button-start = Start the self-declaration
remind-item = { $title }
remind-item-evidence = { $title } (documents)
remind-items-more = { $items } and { $more } more
remind-span-day = { $days } day
remind-span-days = { $days } days
remind-span-hour = { $hours } hour
remind-span-hours = { $hours } hours
remind-span-and = { $first } and { $second }
remind-liaison = <b>Reminder:</b> changes to the region's liaison list must be announced by the end of { $deadline } ({ $left } left). Please send any changes to headquarters before then.

close-carried = The self-declaration window of "{ $office }" closed at the end of { $deadline } and your draft was not submitted. Not announcing changes counts as confirming the previous information: your last confirmed declaration will be used for the evaluation.
close-minimum = The self-declaration window of "{ $office }" closed at the end of { $deadline } and your draft was not submitted. As there is no confirmed information from earlier periods either, your office receives the minimum score and rank { $rank }.
