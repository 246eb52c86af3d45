"""Bar Raiser: an offline-first behavioral interviewer for Amazon Leadership Principles."""
