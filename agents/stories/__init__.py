"""Stories own the story bank: the model, file formats, per-user Chroma store, ranking, coaching.

May import grading, lp, embeddings, textutil, prompts, config; never drill, question_gen, ui, cli.
"""

from agents.stories.bank import StoryBank
from agents.stories.coaching import StoryReview, review_story, split_star
from agents.stories.coverage import Coverage
from agents.stories.demand_index import demand_prepare
from agents.stories.errors import (
    StoryBankError,
    StoryError,
    StoryImportError,
    StoryNotFoundError,
)
from agents.stories.formats import FORMATS, decode_file, detect_format, export_text, parse_stories
from agents.stories.model import MAX_FILE_BYTES, STAR_FIELDS, Story, StoryInput, clean_field
from agents.stories.ranking import StoryHit, none_fits
from agents.stories.records import story_chunks
from agents.stories.scope import check_user
from agents.stories.writer import ImportReport

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "STAR_FIELDS",
    "Coverage",
    "ImportReport",
    "Story",
    "StoryBank",
    "StoryBankError",
    "StoryError",
    "StoryHit",
    "StoryImportError",
    "StoryInput",
    "StoryNotFoundError",
    "StoryReview",
    "check_user",
    "clean_field",
    "decode_file",
    "demand_prepare",
    "detect_format",
    "export_text",
    "none_fits",
    "parse_stories",
    "review_story",
    "split_star",
    "story_chunks",
]
