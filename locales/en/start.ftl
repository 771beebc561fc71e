start-welcome = Welcome to the self-declaration bot of the government service counter offices.
start-staff = Welcome, { $name }. Your tasks:
start-staff-reviewer = • /review — the region's declarations to review; /survey — the region's suspicious survey bursts
start-staff-association = • /scores — association scores for the province's offices
start-staff-hq = • /publish — publish a period's results
start-staff-answerer = • /inbox — questions from offices
link-ask-contact = To identify you, please send your mobile number with the button below.
button-share-contact = 📱 Send my mobile number
link-not-own-contact = This number does not belong to your account. Please send your own number with the “Send my mobile number” button, or type the one-time code your region gave you.
link-bad-number = This is not a valid Iranian mobile number. Please type the one-time code from your region.
link-no-match = Your number is not registered as the licence holder of any office. Ask your regional directorate or the headquarters experts for a one-time code and type it here:
    { $experts }
link-expert-line = • { $name }: { $phone }
link-done = Your account is now linked to “{ $name }” (code { $code }).
link-done-several = Your number is the licence holder's number of { $count } offices. All are linked to your account.
link-pick-office = Which office are you working for now? You can switch later from the menu.
link-chosen = Active office: “{ $name }” (code { $code }).
link-code-wrong = This code is not right. Type the 8-character code exactly as your region gave it.
link-code-used = This code has been used already. Ask your region for a new one.
link-code-expired = This code has expired. Ask your region for a new one.
link-code-limit = Five wrong codes. Please try again in { $minutes } minutes.
not-your-office = This office is not linked to your account.
office-not-found = no office with code { $code }
not-linked = Your account is not linked to an office yet. Press /start to begin.
pick-office-first = First choose, from the menu, the office you are working for.
private-only = This bot works in private chats only. Please message the bot directly.
stale-button = This button is no longer current. Please continue from the main menu.
no-question-now = No question is open right now. Please continue from the main menu.
try-again-later = We could not do this just now. What you saved is safe; please try again in a minute.
language-ask = Choose a language.
language-set = The bot now speaks English.
help-text = <b>Help</b>
    • “Continue the declaration”: questions come one at a time; type numbers with Persian or Latin digits.
    • Every answer is saved at once; whenever you come back, you continue where you were.
    • Send evidence as photos or PDFs (at most 10 MB), then press “Done”.
    • Before the deadline, submit from “Review and submit”. Until the deadline you may still edit it, as long as the region has not started reviewing it.
    • If your office's base data (name, type, address, holder) is wrong, press “Report a discrepancy”.
unknown-command = This command is not available to you. Please continue from the main menu.
link-holder-changed-notice = The registry names a new licence holder for “{ $name }” (code { $code }), so your account is no longer linked to it. If you are still the holder, please contact your regional directorate.
link-holder-new-notice = The registry names you the licence holder of “{ $name }” (code { $code }). To link your account to it, press /start and send your mobile number.
link-unlinked-notice = Headquarters removed the link between your account and “{ $name }” (code { $code }). If you think this is a mistake, please contact your regional directorate.
link-not-linked = This account is not linked to office { $code }.
link-no-account = No account with id { $user_id } on { $platform }.
start-staff-unnamed = Welcome. Your tasks:
staff-joined-unnamed = Your staff role is now active. Press /start to see your tasks.
link-office-line = • { $name } (code { $code })
link-office-button = { $city }, code { $code }
