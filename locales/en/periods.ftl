## Periods: creating, editing, cancelling and extending the owners' window (command line and web console).

admin-period-overlaps = the owners' window of { $code } ({ $window }) overlaps that of { $other } ({ $other_window }); nothing changed
admin-period-closes-first = the owners' window closes before it opens
admin-period-started = period { $code } has opened: it can no longer be edited or cancelled, only extended
admin-period-opens-in-past = period { $code } cannot be moved to open in the past
admin-period-not-open = the owners' window of { $code } is not open now; only an open window can be extended
admin-extend-earlier = the new last day must come after the current one ({ $date })
admin-reason-required = a reason is required
period-extended-notice = The self-declaration window of { $period_en } for “{ $office }” (code { $code }) has been extended to the end of { $date }. Your declaration is not submitted yet; please complete and submit it by then.
period-created = period { $code } created: { $window }
period-edited = period { $code } edited: { $window }
period-cancelled = period { $code } cancelled
period-extended = period { $code } extended to { $date }; { $told } owners will be told
admin-rubric-invalid = the rubric file cannot be used: { $errors }
