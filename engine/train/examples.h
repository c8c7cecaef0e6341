// Labelled examples as JSONL, shared by the CLI and the JavaScript API (tagger: {"text": "...",
// "labels": ["O", "fruit", ...]} one per character; classifier: {"text": "...", "label": "company"}).
#pragma once
#include <string>
#include <vector>

#include "core/error.h"
#include "model/config.h"
#include "text/vocab.h"
#include "train/trainer.h"

namespace recur {

struct LabelledText {
  std::string text;
  std::vector<std::string> labels;  // tagger: one per code point; classifier: one
};

/// Parses JSONL; errors name the source (a path, or "examples") and the line. Each text must be valid UTF-8, and a tagger line must
/// carry exactly one label per character.
Result<std::vector<LabelledText>> parse_jsonl(const std::string& content, Task task, const std::string& path);

/// Label names in sorted order, collected from the data.
std::vector<std::string> collect_labels(const std::vector<LabelledText>& data);

/// Encodes texts and label names into ids. Errors name the line of the unknown label/character.
Result<std::vector<Example>> encode_examples(const std::vector<LabelledText>& data, const Vocab& vocab,
                                             const std::vector<std::string>& labels);

}  // namespace recur
