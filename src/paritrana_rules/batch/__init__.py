"""Batches: rows of candidate data -> scored output rows and ledger records, in one process or many, and
for pandas and Dask data frames."""
