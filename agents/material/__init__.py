"""The candidate's own material: resume text and achievement bullets, story seeds, interview
transcripts (formats and question/answer split), the claim check and the per-user files.

May import grading, lp, textutil, prompts, validation, config; never stories, drill,
question_gen, ui, cli (the drill and the page import this package, not the other way round).
"""
