"""Graph methods, one module per method family, and the vocabulary they share.

`gaai_graph.methods.vocabulary` names the question intents and the method names that question
reading, template generation, the engines, the reports and the evaluation harness agree on.
"""
