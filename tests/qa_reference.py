#!/usr/bin/env python3
"""The reference readability of shared/docs/qa.md, computed independently with Pyphen.

    python3 tests/qa_reference.py DOCUMENT.json...

prints one JSON line per document: {"source": ..., "words": ..., "sentences": ...,
"syllables": ..., "readability": ...}. tests/cli_qa.rs compares resumectl's figures with
these (they must agree within 5 points). The definitions, restated:
- prose: resume_json.summary, then every bullet of resume_json.experience, each one
  sentence (an item with no word is not a sentence);
- words: whitespace-separated tokens holding at least one letter, leading and trailing
  characters that are neither letters nor digits stripped;
- syllables of a word: len(Pyphen(lang="en_US").positions(word)) + 1;
- Flesch Reading Ease, clamped to 0..100, rounded half up; 0 when there is no word.
"""

import json
import math
import sys

import pyphen

DICTIONARY = pyphen.Pyphen(lang="en_US")


def words_of(text):
    for token in text.split():
        if not any(character.isalpha() for character in token):
            continue
        start, end = 0, len(token)
        while start < end and not token[start].isalnum():
            start += 1
        while end > start and not token[end - 1].isalnum():
            end -= 1
        yield token[start:end]


def readability(document):
    resume = document.get("resume_json", {})
    prose = []
    if isinstance(resume.get("summary"), str):
        prose.append(resume["summary"])
    for job in resume.get("experience", []):
        prose.extend(bullet for bullet in job.get("bullets", []) if isinstance(bullet, str))
    words = sentences = syllables = 0
    for text in prose:
        counted = list(words_of(text))
        if not counted:
            continue
        sentences += 1
        words += len(counted)
        syllables += sum(len(DICTIONARY.positions(word)) + 1 for word in counted)
    if words == 0:
        score = 0.0
    else:
        score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
    value = math.floor(min(max(score, 0.0), 100.0) + 0.5)
    return {"words": words, "sentences": sentences, "syllables": syllables,
            "readability": value}


def main():
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
        print(json.dumps({"source": path, **readability(document)}))


if __name__ == "__main__":
    main()
