## Scoring: refused answers (scoring.answers.ANSWER_ERROR_KEYS) and the reason for each line of a
## score (scoring.score.REASON_KEYS). Units, titles and options come as *_fa / *_en arguments.

answer-empty = Nothing arrived. Please write your answer.
answer-not-a-number = "{ $text }" is not a number. Please write it in digits, for example 85.
answer-bad-grouping = "{ $text }" is not written correctly. Please write the number without separators, for example 1200.
answer-too-long = "{ $text }" has more than { $digits } digits. Please check the number.
answer-not-whole = Please write a whole number, without decimals.
answer-negative = A negative number is not accepted.
answer-out-of-range = The number must be between { $min } and { $max } { $unit_en }.
answer-too-small = The number must be at least { $min } { $unit_en }.
answer-too-large = The number must be at most { $max } { $unit_en }.
answer-not-yes-no = Please press "Yes" or "No".
answer-unknown-option = "{ $text }" is not one of the options. Please press one of the buttons.
answer-duplicate-option = The option "{ $text }" was chosen twice.
answer-count-out-of-range = The count must be between { $min } and { $max }; it is { $count }.
answer-use-buttons = Please use the buttons below.
answer-bad-name = Please write the name in letters (at most { $max } characters).
answer-bad-staff = Staff member { $number } on the list is incomplete.
answer-invalid = This answer is not accepted. Please answer again.

reason-band = { $value } { $unit_en }: from { $low } to under { $high } → { $points } points
reason-band-top = { $value } { $unit_en }: { $low } or more → { $points } points
reason-band-below = { $value } { $unit_en }: under { $low } → { $points } points
reason-per-unit = { $value } { $unit_en } × { $per_unit } → { $points } points
reason-per-unit-capped = { $value } { $unit_en } × { $per_unit } → { $points } points (the cap)
reason-choice = { $option_en } → { $points } points
reason-multi = { $options_en } → { $points } points
reason-multi-capped = { $options_en } → { $points } points (the cap)
reason-multi-none = None → { $points } points
reason-yes = Yes → { $points } points
reason-no = No → { $points } points
reason-staff = { $count } people ({ $details_en }) → { $points } points
reason-staff-capped = { $count } people ({ $details_en }) → { $points } points (the cap)
reason-staff-none = No staff → { $points } points
reason-unanswered = Not answered → { $points } points
reason-invalid = The answer on record does not fit this period's rubric → { $points } points
reason-completeness = { $done } of { $total } items complete → { $points } points
reason-association = Association score: { $value } of { $max } → { $points } points
reason-association-missing = The association entered no score → { $points } points
reason-satisfaction = Satisfaction score: { $value } of { $max } → { $points } points
reason-satisfaction-mean = Survey mean: { $mean } of { $mean_max } → { $points } points
reason-satisfaction-few = { $count } respondents, fewer than the minimum of { $min }; the default → { $points } points
reason-satisfaction-missing = No survey on record; the default → { $points } points
reason-negative = { $count } × { $per } points → { $deduction } points deducted
reason-no-data = No data: the minimum score
