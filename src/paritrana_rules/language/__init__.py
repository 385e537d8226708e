"""The rubric language: text -> syntax tree (`syntax`, `ast`), rubrics merged with what they extend (`extends`),
the canonical layout (`format`), and expressions as Python source (`expressions`)."""
