## Administration: the registry's files, staff roles, the expert directory, the frequent
## questions, holidays and periods. Mostly read on the command line.

registry-file = { $reason }
registry-no-file = no such file: { $path }
registry-no-rows = { $name }: the file has no rows
registry-no-data = { $name }: the file has a header but no data rows
registry-not-utf8 = the file is not UTF-8 (byte { $byte }); save it as «CSV UTF-8» and try again
registry-not-xlsx = { $name }: not a readable XLSX file ({ $reason })
registry-missing-columns = missing columns: { $columns }
registry-no-regions = no regions yet: run `pishkhan regions import` first

admin-error = { $reason }
admin-hq-only = Only headquarters can do this.
admin-file-unreadable = cannot read { $path }: { $reason }
admin-file-empty = { $name }: no rows
admin-row-required = row { $row }: { $columns } are required
admin-row-category = row { $row }: unknown category '{ $category }' ({ $allowed })
admin-row-too-long = row { $row }: { $column } is longer than { $max } characters

admin-unknown-role = unknown role '{ $role }' ({ $roles })
admin-needs-region = a { $role } is bound to a region: give --region
admin-unknown-region = unknown region { $region }
admin-needs-province = an association member is bound to a province: give --province
admin-unknown-province = unknown province '{ $province }'
admin-unknown-platform = unknown platform '{ $platform }' (bale or telegram)
admin-staff-exists = { $platform }:{ $user } already has that role
admin-no-staff = no staff role with id { $id }
admin-no-holiday = { $day } is not in the holiday list

admin-no-period = no period with code '{ $code }'
admin-period-exists = a period with code '{ $code }' exists already
admin-review-closes-first = the review window closes before it opens
admin-review-before-owners = the review window cannot open before the owners' window

inbox-not-parked = update #{ $id } is not parked
inbox-parked = <b>An update could not be handled</b> after several tries ({ $platform }, update { $update }): { $error }. See «pishkhan inbox list».
rv-own-office = Office { $code } is linked to your account as its owner; a colleague reviews it.
assoc-own-office = Office { $code } is linked to your account as its owner; another member of the association scores it.
staff-joined = Welcome, { $name }: your staff role is now active. Press /start to see your tasks.
