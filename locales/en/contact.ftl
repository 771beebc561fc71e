## Contact with the experts: the directory, questions (tickets), and the answerers' side.

contact-title = <b>Headquarters experts</b>
contact-expert-line = { $name }, { $topic }: { $phone }
contact-expert-hours = Hours: { $hours }
contact-liaison-line = <b>Liaison of the { $region } region:</b> { $name }, { $phone }
contact-liaison-no-phone = <b>Liaison of the { $region } region:</b> { $name }
contact-liaison-none = The { $region } region has not named a liaison yet.
contact-region-phone = Region's phone: { $phone }
contact-ask-hint = You can write your question here; the answer arrives in this bot.
contact-button-ask = New question
contact-button-my-tickets = My questions
contact-button-menu = Main menu
contact-button-cancel = Cancel
contact-button-done = Done

ticket-choose-office = Which office is the question about?
ticket-choose-category = Choose the topic of your question.
ticket-category-declaration = Self-declaration
ticket-category-evidence = Documents
ticket-category-scoring = Score and rank
ticket-category-technical = Technical problem
ticket-category-discrepancy = Wrong registry data
ticket-ask-text = Write your question about “{ $category }” in one message (at most { $max } characters). You may also send a photo or PDF with a caption.
ticket-created =
    Your question was registered as number <b>{ $number }</b> and sent to the { $to }. The answer will arrive in this bot.
    If you have another photo or PDF, send it now; otherwise press “Done”.
ticket-created-unassigned =
    Your question was registered as number <b>{ $number }</b>. Headquarters experts will look at it soon.
    If you have another photo or PDF, send it now; otherwise press “Done”.
ticket-level-0 = region liaison
ticket-level-1 = headquarters expert
ticket-level-2 = headquarters supervisor
ticket-need-caption = Please describe your question too: send the photo or PDF with a caption, or send the text first.
ticket-wrong-input = Only text, a photo or a PDF file is accepted. Please write your question.
ticket-cancelled = Cancelled.
ticket-done = Done. The answer will reach you in this bot.
ticket-list-title = <b>Your office's questions</b>
ticket-list-empty = You have not asked any question yet.
ticket-list-line = { $number }. { $category }, { $status }
ticket-button-number = No. { $number }
ticket-status-open = awaiting an answer
ticket-status-answered = answered
ticket-status-closed = closed
ticket-card-title = <b>Question { $number }</b>, { $category }
ticket-card-state = State: { $status }
ticket-card-level = With: { $level }
ticket-card-assignee = Answerer: { $name } ({ $level })
ticket-card-rating = Your rating of the answer: { $rating } of 5
ticket-msg-owner = <b>Office</b>, { $when }:
ticket-msg-expert = <b>Expert</b>, { $when }:
ticket-msg-file = 📎 with an attached file
ticket-older-hidden = (Older messages are not shown.)
ticket-button-reply = Write a message
ticket-button-close = Close the question
ticket-button-view = View
ticket-rate-button = { $rating } ⭐
ticket-reply-ask = Write your message for question { $number }, or send a photo or PDF.
ticket-reply-sent = Your message was added to question { $number }.
ticket-closed = Question { $number } is closed. How would you rate the answer, from 1 to 5?
ticket-rated = Thank you. Your rating of { $rating } was recorded.
ticket-stale = This button is no longer valid. Please use the latest list.

ticket-refused-no-office = To ask a question, first link your account to your office with /start.
ticket-refused-bad-category = That topic is not on the list. Please press one of the buttons.
ticket-refused-too-many-open = Your office has { $count } open questions and at most { $max } may be open. Please first close a question that was answered, under “My questions”.
ticket-refused-flood = You have sent many messages in the last few minutes. Please try again in { $minutes } minutes.
ticket-refused-too-long = Your text has { $length } characters; at most { $max } are accepted. Please shorten it.
ticket-refused-empty = The text is empty. Please write your message.
ticket-refused-not-found = This question is not among your office's questions.
ticket-refused-closed = This question is closed. For a new matter, ask a new question.
ticket-refused-not-closed = You can rate the answer once the question is closed.
ticket-refused-already-rated = This question has been rated already.
ticket-refused-bad-rating = The rating must be a number from 1 to 5.
ticket-refused-not-yours = This question is not assigned to you, so you cannot answer it.
ticket-refused-cannot-claim = You cannot take this question: it is outside your remit or held at a higher level.
ticket-refused-taken = Someone else has just taken question { $number }; see «My questions».
ticket-refused-bad-target = That person cannot take this question. Please press one of the buttons.
ticket-refused-no-faq = That prepared answer is no longer on the list.
ticket-refused-not-answerer = This part is for headquarters experts and region liaisons.
ticket-file-too-large = The file is larger than { $max_mb } MB. Please send a smaller file.
ticket-file-wrong-type = Only a photo (JPEG or PNG) or a PDF file is accepted.
ticket-file-corrupt = The file is damaged or did not arrive whole. Please send it again.
ticket-file-too-many-pixels = This photo's dimensions are too large. Please send a smaller photo.

ticket-answered-note = <b>Answer to question { $number }</b>
ticket-answered-file = 📎 The answer has an attached file; press “View” to see it.
ticket-escalated-owner = Question { $number } was not answered within { $hours } working hours and was passed to the { $to }.
ticket-transferred-owner = Question { $number } was passed to the { $to }.
ticket-decl-none = not started
ticket-decl-draft = draft
ticket-decl-submitted = submitted
ticket-decl-returned = returned for correction
ticket-decl-confirmed = confirmed
ticket-decl-published = published

expert-new-ticket = <b>New question, number { $number }</b>: { $category }
expert-escalated-ticket =
    <b>Escalated question, number { $number }</b>: { $category }
    It was not answered within { $hours } working hours and has come to you.
expert-transferred-ticket = <b>Question passed on by { $name }, number { $number }</b>: { $category }
expert-owner-wrote = <b>New message from the office on question { $number }</b>: { $category }
expert-card-office = Office: { $office } (code { $code }), { $region } region
expert-card-period = Period: { $period }; declaration: { $status }
expert-card-no-period = No evaluation period is open.
expert-card-due = Answer due by: { $when }
expert-ticket-moved = Question { $number } was passed to the { $to } and is no longer with you.
expert-ticket-closed = The office closed question { $number }.
expert-button-answer = Answer
expert-button-faq = Prepared answer
expert-button-view = View
expert-button-transfer = Pass on
expert-button-claim = Take it
expert-button-inbox = My questions
expert-inbox-title = <b>Your questions</b>
expert-inbox-empty = There is no open question for you.
expert-inbox-line = { $number }. { $category }, { $office }, { $status }
expert-inbox-pool = <b>Without an answerer</b> (you may take them):
expert-answer-ask = Write your answer to question { $number } (at most { $max } characters). A photo or PDF is accepted too.
expert-answer-sent = The answer to question { $number } was sent to the office.
expert-answer-wrong-input = Only text, a photo or a PDF file is accepted. Please write the answer.
expert-faq-title = <b>Prepared answers for question { $number }</b>. Press an answer's number to send it.
expert-faq-line =
    <b>{ $n }.</b> { $question }
    { $answer }
expert-faq-button = { $n }
expert-faq-empty = No prepared answer is recorded for this topic.
expert-claimed = Question { $number } is now yours.
expert-transfer-choose = Whom do you pass question { $number } to?
expert-transfer-target = { $name } ({ $level })
expert-transfer-none = There is nobody else to pass it to.
expert-transferred = Question { $number } was passed to { $name }.
