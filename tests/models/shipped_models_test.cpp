// Every shipped model (models/<name>/model.safetensors) loads, has the metadata its check.json
// promises, and scores its committed evaluation slice as its model card says, within tolerance.
//   check.json: {"task": "lm" | "tagger" | "classifier", "cell": "...", "slice": "<file in the model folder>",
//                "metric": "bits_per_char" | "mention_accuracy" | "accuracy", "expected": X, "tolerance": Y}
// lm slices are UTF-8 text, scored as `recur eval` does; tagger and classifier slices are JSONL as
// for `recur train` (train/examples.h); a tagger is scored at the last character of each mention,
// a classifier by the most probable label of each text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/predict.h"
#include "model/serialize.h"
#include "text/vocab.h"
#include "train/examples.h"
#include "train/trainer.h"
#include "util/json.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<fs::path> shipped() {
  std::vector<fs::path> v;
  const fs::path root = fs::path(RECUR_TEST_DATA) / ".." / "models";
  if (!fs::exists(root)) return v;
  for (const auto& d : fs::directory_iterator(root))
    if (fs::exists(d.path() / "model.safetensors")) v.push_back(d.path());
  std::sort(v.begin(), v.end());
  return v;
}

// Mention accuracy of a tagger: a mention is a maximal run of characters labelled other than
// "O"; the model's decision is the argmax over those labels at the run's last character.
double mention_accuracy(const Model<float>& m, const std::vector<LabelledText>& rows) {
  int total = 0, right = 0;
  for (const LabelledText& r : rows) {
    auto p = predict(m, r.text);
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    if (!p) continue;
    for (size_t i = 0; i < r.labels.size(); ++i) {
      if (r.labels[i] == "O" || (i + 1 < r.labels.size() && r.labels[i + 1] == r.labels[i])) continue;
      int best = -1;
      for (int j = 0; j < p->cols; ++j)
        if (m.labels[j] != "O" && (best < 0 || p->probs[i * p->cols + j] > p->probs[i * p->cols + best])) best = j;
      ++total;
      right += best >= 0 && m.labels[best] == r.labels[i];
    }
  }
  return total ? double(right) / total : 0;
}

// Share of texts whose most probable label is the given one.
double classifier_accuracy(const Model<float>& m, const std::vector<LabelledText>& rows) {
  int right = 0;
  for (const LabelledText& r : rows) {
    auto p = predict(m, r.text);
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    if (!p) continue;
    const auto best = std::max_element(p->probs.begin(), p->probs.begin() + p->cols) - p->probs.begin();
    right += m.labels[best] == r.labels[0];
  }
  return rows.empty() ? 0 : double(right) / double(rows.size());
}

TEST(ShippedModels, LoadAndMatchTheirCards) {
  const auto dirs = shipped();
  if (dirs.empty()) GTEST_SKIP() << "no model is shipped in models/ yet";
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    const fs::path check_path = dir / "check.json";
    ASSERT_TRUE(fs::exists(check_path)) << "every shipped model needs a check.json";
    auto check = json::parse(slurp(check_path));
    ASSERT_TRUE(check.is_ok()) << check.status().message();
    auto m = load_model_file((dir / "model.safetensors").string());
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    EXPECT_LT(fs::file_size(dir / "model.safetensors"), 8u << 20) << "model files stay under 8 MB";
    EXPECT_EQ(task_name(m->config.task), check->find("task")->as_string());
    EXPECT_EQ(cell_name(m->config.cell), check->find("cell")->as_string());
    const std::string slice = slurp(dir / check->find("slice")->as_string());
    ASSERT_FALSE(slice.empty());
    const std::string metric = check->find("metric")->as_string();
    const double expected = check->find("expected")->as_number(), tol = check->find("tolerance")->as_number();
    double got = 0;
    if (metric == "bits_per_char") {
      auto ids = m->vocab.encode(slice);
      ASSERT_TRUE(ids.is_ok()) << ids.status().message();
      got = evaluate_lm(m.value(), ids.value(), 256, 32).bits();  // = `recur eval --model M --data slice`
    } else {
      ASSERT_TRUE(metric == "mention_accuracy" || metric == "accuracy") << metric;
      auto rows = parse_jsonl(slice, m->config.task, "slice");
      ASSERT_TRUE(rows.is_ok()) << rows.status().message();
      got = metric == "accuracy" ? classifier_accuracy(m.value(), rows.value()) : mention_accuracy(m.value(), rows.value());
    }
    std::printf("[ model ] %-20s %s %.4f (card %.4f +- %.4f)\n", dir.filename().c_str(), metric.c_str(), got, expected, tol);
    EXPECT_NEAR(got, expected, tol) << metric;
  }
}

}  // namespace
}  // namespace recur
