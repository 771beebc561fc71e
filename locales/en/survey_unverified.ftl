## A citizen whose contact card did not say whose it is (Bale may leave its user id out).

survey-number-unverified = Your number is noted for this survey only. Your messenger did not confirm that this number belongs to your own account, so your rating is stored as unverified and is not counted in the office's score. To have it counted, next time send your number with the “Send my mobile number” button.
survey-rated-unverified = Note: this rating is stored as unverified and is not counted in the office's score, because the number was not confirmed to be your own.
