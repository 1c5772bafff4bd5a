"""What each role may do with question banks and quizzes (merged by organization.roles.group_permissions)."""

from organization.roles import ADMINISTRATOR, TRAINER

_MODELS = ("category", "subcategory", "question", "mcquestion", "answer", "tfquestion", "essayquestion", "quiz",
           "quizblueprint")
_ALL = tuple(f"assessments.{action}_{model}" for model in _MODELS for action in ("add", "change", "delete", "view"))

# Trainers and administrators build banks and quizzes.
ROLE_PERMISSIONS = {TRAINER: _ALL, ADMINISTRATOR: _ALL}
