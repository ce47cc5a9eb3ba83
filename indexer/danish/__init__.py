"""The Danish language as the archive needs it, without any search engine:
words and their normal form (`words`), stems and compounds (`morphology`),
and identifiers — case numbers, § references, years (`identifiers`), one
grammar shared by the parser (`indexer.extract`) and the analyzers
(`indexer.analysis`, which adapts these functions to Whoosh)."""
