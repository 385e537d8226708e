"""The rubric language: text -> syntax tree (`syntax` with `grammar`, `recovery`, `syntax_diagnostics` and
`tree_to_ast`; the nodes are `ast`), rubrics merged with what they extend (`extends`), identity by content
(`identity`), the canonical layout (`format`), and expressions as Python source (`expressions`)."""
