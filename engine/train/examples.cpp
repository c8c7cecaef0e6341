// JSONL labelled examples (see examples.h).
#include "train/examples.h"

#include <algorithm>
#include <set>

#include "text/utf8.h"
#include "util/json.h"

namespace recur {

Result<std::vector<LabelledText>> parse_jsonl(const std::string& content, Task task, const std::string& path) {
  std::vector<LabelledText> out;
  size_t start = 0;
  int line_no = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    const std::string_view line(content.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    auto v = json::parse(line);
    if (!v) return bad_format(where + v.status().message());
    const json::Value* text = v->find("text");
    if (!text || !text->is_string()) return bad_format(where + "expected an object with a \"text\" string");
    auto cps = utf8_decode(text->as_string());
    if (!cps) return bad_format(where + cps.status().message());
    if (cps->empty()) return bad_format(where + "\"text\" is empty");
    LabelledText ex;
    ex.text = text->as_string();
    if (task == Task::kTagger) {
      const json::Value* labels = v->find("labels");
      if (!labels || !labels->is_array()) return bad_format(where + "a tagger example needs a \"labels\" array");
      if (labels->items().size() != cps->size())
        return bad_format(where + "\"labels\" has " + std::to_string(labels->items().size()) + " entries but the text has " +
                          std::to_string(cps->size()) + " characters");
      for (const auto& l : labels->items()) {
        if (!l.is_string()) return bad_format(where + "labels must be strings");
        ex.labels.push_back(l.as_string());
      }
    } else {
      const json::Value* label = v->find("label");
      if (!label || !label->is_string()) return bad_format(where + "a classifier example needs a \"label\" string");
      ex.labels.push_back(label->as_string());
    }
    out.push_back(std::move(ex));
  }
  if (out.empty()) return invalid_argument(path + " holds no examples");
  return out;
}

std::vector<std::string> collect_labels(const std::vector<LabelledText>& data) {
  std::set<std::string> s;
  for (const auto& d : data) s.insert(d.labels.begin(), d.labels.end());
  return {s.begin(), s.end()};
}

Result<std::vector<Example>> encode_examples(const std::vector<LabelledText>& data, const Vocab& vocab,
                                             const std::vector<std::string>& labels) {
  std::vector<Example> out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    Example e;
    auto ids = vocab.encode(data[i].text);
    if (!ids) return Status(ids.status().code(), "example " + std::to_string(i + 1) + ": " + ids.status().message());
    e.ids = std::move(ids.value());
    for (const auto& name : data[i].labels) {
      auto it = std::find(labels.begin(), labels.end(), name);
      if (it == labels.end())
        return invalid_argument("example " + std::to_string(i + 1) + ": label \"" + name + "\" is not one of the model's labels");
      e.labels.push_back(int32_t(it - labels.begin()));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace recur
