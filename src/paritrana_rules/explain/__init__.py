"""Words: a `Result` -> its explanation, and a rubric -> its handbook, in Bahasa Indonesia or English."""
