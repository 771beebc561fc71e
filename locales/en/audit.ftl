## The audit log: columns and messages of the command line and the web console.

audit-col-id = id
audit-col-at = time (Tehran)
audit-col-actor = who
audit-col-action = action
audit-col-entity = entity
audit-col-entity-id = entity id
audit-col-old = old
audit-col-new = new
audit-col-reason = reason
audit-no-office = no office with code { $code }
