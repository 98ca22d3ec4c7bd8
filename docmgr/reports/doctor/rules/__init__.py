"""doctor's rules: one module per topic, one function per finding it reports.

Each rule takes what it checks (a document, a ticket group, the folder list) and returns
``Finding`` rows; it reads no index and walks no folder, so ``doctor.check`` decides the
scope and the order of rows (spec §7.2) and a rule can be tested on its own.
"""
