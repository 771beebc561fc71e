"""The owner's declaration: start or resume the draft, answer, move through the wizard, attach
evidence, keep the staff list, review, submit, and the status the menu shows.

Every public function is one use case in one unit of work: it checks that the actor acts for
the office and that the declaration may change now (`draft.NotEditable` otherwise), writes the
change with its audit rows, records where the owner is (`services.position.Position`) and
returns the draft as it is after the change (`draft.Draft`), which the handlers render.
"""

from services.declaration import answers, evidence, staff, submit, wizard
from services.declaration.answers import Answered, BadAnswer, NoQuestion
from services.declaration.draft import Draft, NotEditable
from services.declaration.submit import ConfirmFirst, Incomplete, Status, Submitted
from services.declaration.wizard import Kept, Resumed

__all__ = ["Answered", "BadAnswer", "ConfirmFirst", "Draft", "Incomplete", "Kept",
           "NoQuestion", "NotEditable", "Resumed", "Status", "Submitted", "answers",
           "evidence", "staff", "submit", "wizard"]
