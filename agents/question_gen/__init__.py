"""Question generation owns fresh behavioral prompts: request, grammar, composer, filter, export.
It may import lp, llm, prompts, embeddings, textutil and config; never drill, stories, ui or cli.
"""

from agents.question_gen.generator import PromptGenerator, generate, get_generator
from agents.question_gen.request import GeneratedPrompt, PromptBatch, PromptRequest

__all__ = [
    "GeneratedPrompt",
    "PromptBatch",
    "PromptGenerator",
    "PromptRequest",
    "generate",
    "get_generator",
]
