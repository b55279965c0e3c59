"""Bare Sudachi: tokenise every reply of a JSONL file, as the checker's baseline.

Reads the file the same way ``python -m graders check --jsonl`` does (line by line, JSON),
with the same dictionary and split mode, and does nothing else.
"""

import json
import sys

from sudachipy import Dictionary, SplitMode


def main(path: str) -> None:
    tokenizer = Dictionary(dict="core").tokenizer(SplitMode.C)
    tokens = 0
    with open(path, "rb") as lines:
        for line in lines:
            tokens += len(tokenizer.tokenize(json.loads(line)["text"]))
    print(tokens)


if __name__ == "__main__":
    main(sys.argv[1])
