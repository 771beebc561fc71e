## The owner's result of a period (storage/results.py result_text; handlers/results.py).

result-title = 🏅 <b>Evaluation result, { $period }</b>
result-office = { $name } (code { $code })
result-total = Score: <b>{ $total } of { $max }</b>; rank <b>{ $rank }</b>
result-share-all = This rank allows the office to offer every service.
result-share-part = With this rank the office may offer at most { $share }% of services.
result-source-declared = Based on: this period's declaration, as reviewed by the region.
result-source-carried_forward = Based on: last period's confirmed data; you announced no change.
result-source-minimum = Based on: no data from this office; the minimum score and the lowest rank.
result-breakdown = <b>Breakdown</b>
result-line = • { $title }: { $points } of { $max } ({ $reason })
result-negatives = <b>Negative points</b>
result-negative-line = • { $title }: { $reason }
result-no-negatives = Negative points: none.
result-change = Compared with { $period }: score { $delta }; rank from { $old } to { $new }.
result-change-same-rank = Compared with { $period }: score { $delta }; rank unchanged ({ $rank }).
result-no-previous = There is no result of the previous period to compare with.
result-none = No evaluation result has been announced for this office yet. Once results are announced, you will see them here.
