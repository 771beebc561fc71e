## Headquarters: who acts for an office, and unlinking an account by hand (/links).

hq-links-usage = Write the office code after the command, for example: /links 16598444
hq-links-none = No account is linked to office { $code }.
hq-links-title = <b>Accounts linked to “{ $name }” (code { $code })</b>
hq-links-line = { $number }. { $name }, { $platform } { $user }, { $via }, since { $date }
hq-links-platform-bale = Bale
hq-links-platform-telegram = Telegram
hq-links-via-contact = by mobile number
hq-links-via-code = by one-time code
hq-links-via-other = by headquarters
hq-links-button-unlink = ✂️ Unlink { $number }
hq-links-ask = Unlink the { $platform } account { $user } from office { $code }? From now on it can do nothing for this office, and the person is told.
hq-links-button-confirm = Yes, unlink
hq-links-unlinked = The { $platform } account { $user } is no longer linked to “{ $name }” (code { $code }). This is recorded in the audit log and the person was told.
