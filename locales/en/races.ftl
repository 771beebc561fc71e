# The loser of a race (two taps, two people at once) is told who won and when.
# { $at } is "at 10:42" today, else "on 14 Azar 1405 at 10:42" (Tehran time).
rv-already-confirmed = { $by } confirmed this declaration { $at }.
rv-already-returned = { $by } returned this declaration to the office for corrections { $at }.
submit-already-by = { $by } submitted this declaration { $at }.
link-code-used-by = { $by } used this code { $at }. If that was not you, ask your region for a new one.
rv-disc-closed-by = { $by } dealt with this report { $at }.
ticket-already-answered = { $by } answered question { $number } { $at }; your answer was not sent.
admin-period-changed-by = { $by } changed period { $code } { $at }; nothing changed. Look at the period again and change it again if needed.
admin-period-cancelled-by = { $by } cancelled period { $code } { $at }; nothing changed.
correct-reopened-by = { $by } reopened the declaration of office { $code } { $at }; nothing changed.
results-already-published = { $by } published the results of this period { $at }.
