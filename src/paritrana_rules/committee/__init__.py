"""The committee's tools: a rubric's example cases and properties (`test`) and the difference between
two rubrics (`diff`)."""
