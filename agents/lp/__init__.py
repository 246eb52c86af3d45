"""LP owns the Leadership Principles: YAML data, loader, name resolver, roles, and the classifier.

May import config/embeddings/textutil/validation/prompts; not grading/stories/drill/question_gen/ui.
"""
