## Why an evidence file was refused: one message per rule (storage/evidence_checks.py).

evidence-pdf-encrypted = This PDF is encrypted or password-protected, so we cannot check it. Please send a copy without a password.
evidence-pdf-broken = This PDF is damaged or incomplete and cannot be opened. Please save it again, or send a photo of the document.
evidence-pdf-script = This PDF contains executable code (JavaScript) and is not accepted for security reasons. Please print the document to a plain PDF, or send a photo of it.
evidence-pdf-launch = This PDF contains a command that starts a program and is not accepted for security reasons. Please send a photo of the document or a plain PDF.
evidence-pdf-embedded = This PDF carries attached files inside it and is not accepted for security reasons. Please send the document on its own.
evidence-pdf-action = This PDF does something by itself when opened (such as opening a link) and is not accepted for security reasons. Please send a plain PDF or a photo of the document.
evidence-pdf-too-complex = This PDF is too large or too complex to check. Please send the document as a few plain pages, or as photos.
