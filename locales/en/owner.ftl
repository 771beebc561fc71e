# The owner's journey (issue 20): edits that keep a submission, a way back from every step,
# albums, being told of everything, quiet hours.
button-keep-answer = ✔️ Keep this answer, next
button-evidence-to-question = ⬅️ Back to the question
button-reopen-confirm = ✏️ Yes, edit it
button-report-discrepancy = ⚠️ Report a discrepancy to the region
edit-reopens = Editing «{ $title }» will reopen your submitted declaration; you must submit it again before the end of { $date }. Keeping the same answer changes nothing.
evidence-not-this = This step takes only a photo or a PDF file; a sticker, voice note, video or location is not accepted. Send the file, or press «Done» or «Back to the question».
evidence-list-empty = No files left.
review-changed = 🔄 changed since the last period (was: { $before })
evidence-album-received = 📎 { $added } files of an album received ({ $count } files for «{ $title }»):
    { $files }
    Send the next file or press «Done».
evidence-rejected-notice = ⚠️ The region did not accept a file of «{ $title }» in the declaration of «{ $name }» (code { $code }).
    Reason: { $reason }
    What is needed instead: { $wanted }
    Accepted: { $accepts }
    Send a new file before the deadline from the declaration's review (the button below).
review-confirmed-see-results = Your region has reviewed and confirmed your declaration; see the final score and rank in «🏅 My results».
ticket-created-no-expert =
    Your question was recorded as number <b>{ $number }</b>, but no expert is assigned to your region now and the answer may be late.
    For a quicker answer, call these numbers:
    { $phones }
    If you have another photo or PDF, send it now; otherwise press “Done”.
