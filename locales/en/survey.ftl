## The citizens' satisfaction survey: the citizen's steps, the owner's summary, the region's
## review of bursts, and the printed poster.

survey-intro = <b>Citizens' satisfaction survey</b>
    “{ $name }”, { $city }
    Your opinion is anonymous: the office cannot see who rated it.
survey-ask-contact = So that each person rates once, please send your mobile number once with the button below.
survey-contact-again = Please send your mobile number with the “Send my mobile number” button.
survey-not-own-contact = This number does not belong to your account. Please send your own number with the button below.
survey-bad-number = This is not a valid Iranian mobile number. The survey needs an Iranian mobile number.
survey-number-saved = Thank you, your number is saved.
survey-ask-service = Which service did you receive at this office?
survey-previous = You already rated this office in this period ({ $stars }). Your new rating replaces it.
survey-ask-stars = Service: { $service }
    How satisfied were you with this office?
survey-stars-1 = 😠 Very poor
survey-stars-2 = 🙁 Poor
survey-stars-3 = 😐 Fair
survey-stars-4 = 🙂 Good
survey-stars-5 = 😍 Excellent
survey-rated = Saved: { $stars }.
survey-ask-fee = Optional: were you asked to pay more than the official tariff for the service?
survey-button-yes = Yes
survey-button-no = No
survey-button-skip = Rather not say
survey-fee-noted = Thank you. Your report will be looked into without your name.
survey-ask-comment = If you want to add a comment, write it here (optional); otherwise press “Finish”.
survey-button-finish = ✅ Finish
survey-thanks = Thank you for your time. Your rating is saved and counts in this office's evaluation.
    If you visit this office again in this period, you can change your rating with the same code.
survey-bad-link = This survey link is not valid. Please scan the QR code on the office's poster again.
survey-closed = The office survey is not running now. Thank you for your help.
survey-own-office = This office is linked to your account or number, so you cannot rate it. The survey is for the office's visitors.
survey-staff = Staff of headquarters, regions, associations and experts cannot take part in the office survey.
survey-busy = Many ratings are arriving for this office right now. Please try again in an hour.
survey-too-many = You have rated several offices today. Please try again tomorrow.
survey-stale = This survey step is no longer valid. Please scan the office's QR code again.

## The owner's summary: counts only, never who.
survey-menu-button = 📊 Citizens' survey
survey-owner-title = <b>Citizens' survey of “{ $name }”</b>
survey-owner-period = Period: { $period }
survey-owner-none = No ratings yet in this period.
survey-owner-counted = Ratings counted: { $count } (mean { $mean } of 5)
survey-owner-stars = 😍 { $s5 } · 🙂 { $s4 } · 😐 { $s3 } · 🙁 { $s2 } · 😠 { $s1 }
survey-owner-counted-few = Ratings counted: { $count }. The mean and details are shown from { $min } ratings on, so that no one's rating can be recognised.
survey-owner-held = Awaiting the region's review: { $count }
survey-owner-points = Satisfaction score: { $points } of { $max }
survey-owner-below = Until { $min } ratings are counted, the default score ({ $points } of { $max }) applies.
survey-owner-poster-hint = Print the survey poster and put it by the front desk. Its QR codes take visitors to the bot on Bale or Telegram.
survey-owner-no-period = There is no period for the survey now.
survey-button-poster = 📄 Survey poster (PDF)
survey-button-link-bale = 🔗 Survey link on Bale
survey-button-link-telegram = 🔗 Survey link on Telegram
survey-poster-caption = Survey poster of “{ $name }”: print it in A5.

## The region's review of bursts, and reports of fees beyond the tariff.
survey-flags-none = Survey: nothing awaits review.
survey-flags-title = <b>Survey: { $count } suspicious bursts await review</b>
survey-flag-line = “{ $name }” (code { $code }): { $count } ratings held.
    Why: { $reason }. Since { $date }.
survey-reason-top = many top ratings in a short time
survey-reason-new = many ratings from new accounts
survey-button-clear = ✅ Count them
survey-button-reject = 🚫 Set them aside
survey-flag-cleared = The held ratings of “{ $name }” ({ $count }) now count.
survey-flag-rejected = The held ratings of “{ $name }” ({ $count }) were set aside and do not count.
survey-flag-decided = This burst was reviewed already.
survey-flag-notice = Survey of “{ $name }” (code { $code }): { $count } ratings arrived in a short time and do not count until you review them. Send /survey to review.
survey-fee-notice = Survey of “{ $name }” (code { $code }): { $count } visitors said they were asked to pay more than the official tariff. The reports are anonymous and are not a negative point by themselves; look into it if needed.

## The poster (A5, black and white).
survey-poster-title = Citizens' satisfaction survey
survey-poster-place = Office code { $code }, { $city }
survey-poster-lead = Were you happy with the service you received today?
survey-poster-lead-2 = Your opinion counts in this office's evaluation.
survey-poster-step-1 = 1. Scan a code below with your phone's camera: Bale or Telegram, whichever you have.
survey-poster-step-2 = 2. Press “Start” in the bot and send your mobile number once.
survey-poster-step-3 = 3. Choose the service and rate it; it takes less than a minute.
survey-poster-anonymous = Your opinion is anonymous: the office cannot see who rated it.
survey-poster-fee = If you were asked to pay more than the official tariff, say so in the survey.
survey-poster-bale = Bale
survey-poster-telegram = Telegram
survey-poster-footer = Evaluation of government service counter offices and rural ICT offices

## Refusals of the survey's administration (mostly read on the command line).
survey-no-office = no office with code '{ $code }'
survey-no-flag = no survey flag #{ $flag }
survey-flag-already = survey flag #{ $flag } was { $status } already
survey-reviewers-only = Only the region's reviewers and headquarters review survey bursts.
survey-services-count = { $name }: give 2 to 12 services, not { $count }
survey-services-key = row { $row }: key must be 1–16 of a-z, 0-9, _ (not '{ $key }')
survey-services-twice = row { $row }: duplicate key '{ $key }'
survey-services-title = row { $row }: title_fa must be 1–60 characters
