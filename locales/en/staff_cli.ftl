## The headquarters' command line in the operator's language (--lang): errors, file import
## reports and what a command did.

date-not-jalali = not a Jalali date (YYYY/MM/DD): '{ $text }'
date-no-such-day = no such Jalali date: '{ $text }'
date-window-closes-first = the window closes ({ $closes }) before it opens ({ $opens })
cli-unknown-format = unknown format '{ $format }' (xlsx or csv)
cli-out-suffix = { $path }: the file must end in .xlsx or .csv
cli-wrote = wrote { $path }
cli-wrote-offices = wrote { $path } ({ $count } offices)
cli-report-summary = { $registered } offices, { $declared } declared ({ $percent }%); ranks: { $from_declared } declared, { $carried } carried forward, { $minimum } minimum without data
import-what-regions = regions import
import-what-offices = offices import
import-what-association = association scores import
import-what-satisfaction = satisfaction scores import
import-summary = { $what }: { $inserted } inserted, { $updated } updated, { $unchanged } unchanged, { $rejected } rejected rows
import-dry-run = (dry run: nothing written)
import-row = • row { $row }, column { $column }: { $reason }
import-more = … and { $count } more
import-unlinked = { $count } accounts unlinked: the registry names another licence holder for their office
import-nothing-written = nothing was written: fix the rows above
import-nothing-written-skip = nothing was written: fix the rows above, or use --skip-bad
registry-row-code = not a numeric code: '{ $text }'
registry-row-type = unknown type '{ $text }' (urban/rural_ict, شهری/روستایی)
registry-row-region = unknown region '{ $text }'
registry-row-province = unknown province '{ $text }'
registry-row-province-region = { $province } belongs to region { $region }, not { $other }
registry-row-province-taken = { $province } is already in region { $region }
registry-row-phone = not a mobile number: '{ $text }'
registry-row-too-long = { $length } characters (at most { $max })
cli-rows = { $count } rows
cli-wrote-rows = wrote { $path } ({ $count } rows)
