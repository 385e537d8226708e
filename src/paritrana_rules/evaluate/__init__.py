"""Evaluation: a `Program` x validated candidate values -> a `Result` (plain data), and `CompiledRubric`,
the pipeline from rubric text to a scorer in one object."""
