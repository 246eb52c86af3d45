"""The candidate's own material: resume text and achievement bullets, story seeds, interview
transcripts (formats and question/answer split) and the claim check against the resume."""
