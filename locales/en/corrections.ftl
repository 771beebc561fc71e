## Undo with a reason: reopening a confirmed declaration, withdrawing a negative point, undoing an association score, and a result's new version.

correct-no-declaration = office { $code } has no declaration in { $period }
correct-not-confirmed = the declaration of office { $code } is not confirmed (status: { $status }); only a confirmed one can be reopened
correct-no-negative = no negative point { $id } (it may have been withdrawn already)
correct-no-association = office { $code } has no association score
correct-reopened-notice = Headquarters reopened the declaration of “{ $office }” (code { $code }) for { $period_en } for another review. Reason: { $reason }
correct-negative-notice = Headquarters withdrew the negative point “{ $title_en }” (decision { $reference }) of “{ $office }” (code { $code }) for { $period_en }. Reason: { $reason }
correct-association-notice = Headquarters removed the association score ({ $score }) of “{ $office }” (code { $code }) for { $period_en }. Reason: { $reason }
correct-result-notice = The result of “{ $office }” (code { $code }) for { $period_en } was corrected (version { $version }): score { $old_total } → { $new_total }, rank { $old_rank } → { $new_rank }; share of services: { $share }%. Reason: { $reason }
correct-done = done; { $told } accounts will be told
correct-new-version = the result of office { $code } is now version { $version }: score { $old_total } → { $new_total }, rank { $old_rank } → { $new_rank }

## Association score uploads: rows and columns.
assoc-row-empty = empty
assoc-row-duplicate = duplicate code { $code } (first on row { $first })
assoc-row-province = office { $code } is in { $province }, not your province
assoc-row-range = out of range: must be between { $min } and { $max }
assoc-row-number = not a number: { $text }
assoc-row-whole = not a whole number: { $text }
assoc-row-score-or-mean = give a score or a mean rating
assoc-col-office_code = office code
assoc-col-score = score
assoc-col-mean = mean
assoc-col-respondents = respondents
row-cell-too-long = { $length } characters (at most { $max })
row-cell-nul = contains a NUL character
correct-published = the results of { $period } are published and the region can no longer review the declaration of office { $code } again; nothing changed. To correct the result, withdraw a negative point or undo the association score: that makes a new version of the result and tells the office
