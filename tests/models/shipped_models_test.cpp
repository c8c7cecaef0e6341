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
#include <vector>

#include "layers/softmax.h"
#include "model/network.h"
#include "model/precision.h"
#include "model/predict.h"
#include "model/serialize.h"
#include "sampling/sampler.h"
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

// Answers right out of answers given; per answer, the label chosen and its lead over the runner-up.
struct Score {
  int right = 0, total = 0;
  std::vector<int> chosen;
  std::vector<float> lead;
  double rate() const { return total ? double(right) / total : 0; }
};

// The most probable of the labels that are not "O" in one row of probabilities, and its lead.
void decide(const Model<float>& m, const float* probs, int cols, Score& s) {
  int best = -1, second = -1;
  for (int j = 0; j < cols; ++j) {
    if (m.labels[j] == "O") continue;
    if (best < 0 || probs[j] > probs[best]) {
      second = best;
      best = j;
    } else if (second < 0 || probs[j] > probs[second]) {
      second = j;
    }
  }
  s.chosen.push_back(best);
  s.lead.push_back(best >= 0 && second >= 0 ? probs[best] - probs[second] : 1.0f);
}

// Mention accuracy of a tagger: a mention is a maximal run of characters labelled other than
// "O"; the model's decision is the argmax over those labels at the run's last character.
Score mention_accuracy(const Model<float>& m, const std::vector<LabelledText>& rows,
                       Precision precision = Precision::kFloat32) {
  Score s;
  for (const LabelledText& r : rows) {
    auto p = Predictor(m, precision).run(m, r.text);
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    if (!p) continue;
    for (size_t i = 0; i < r.labels.size(); ++i) {
      if (r.labels[i] == "O" || (i + 1 < r.labels.size() && r.labels[i + 1] == r.labels[i])) continue;
      decide(m, &p->probs[i * p->cols], p->cols, s);
      ++s.total;
      s.right += s.chosen.back() >= 0 && m.labels[size_t(s.chosen.back())] == r.labels[i];
    }
  }
  return s;
}

// Share of texts whose most probable label is the given one.
Score classifier_accuracy(const Model<float>& m, const std::vector<LabelledText>& rows,
                          Precision precision = Precision::kFloat32) {
  Score s;
  for (const LabelledText& r : rows) {
    auto p = Predictor(m, precision).run(m, r.text);
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    if (!p) continue;
    decide(m, p->probs.data(), p->cols, s);
    s.right += s.chosen.back() >= 0 && m.labels[size_t(s.chosen.back())] == r.labels[0];
  }
  s.total = int(rows.size());
  return s;
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
      got = (metric == "accuracy" ? classifier_accuracy(m.value(), rows.value()) : mention_accuracy(m.value(), rows.value()))
                .rate();
    }
    std::printf("[ model ] %-20s %s %.4f (card %.4f +- %.4f)\n", dir.filename().c_str(), metric.c_str(), got, expected, tol);
    EXPECT_NEAR(got, expected, tol) << metric;
  }
}

// Bits per character of ids read one symbol at a time from the zero state: the generation path.
double stepped_bits(const Model<float>& m, const std::vector<int32_t>& ids, Precision precision) {
  Stepper<float> s(m.config, true, precision);
  s.reset(m.params);
  const int V = m.config.vocab_size;
  std::vector<float> p(size_t(V), 0.f);
  double bits = 0;
  const float* logits = s.logits();
  for (int32_t id : ids) {
    softmax_rows(logits, 1, V, p.data());
    bits -= std::log2(double(p[size_t(id)]));
    logits = s.feed(m.params, id);
  }
  return bits / double(ids.size());
}

// Largest |p_int8 - p_float32| over n symbols sampled at temperature 1 from the float32 model
// and fed to both.
double free_running_gap(const Model<float>& m, int n) {
  Stepper<float> f(m.config), q(m.config, true, Precision::kInt8);
  f.reset(m.params);
  q.reset(m.params);
  Sampler sampler(SampleOptions{});
  const int V = m.config.vocab_size;
  std::vector<float> pf(static_cast<size_t>(V)), pq(static_cast<size_t>(V));
  double worst = 0;
  const float *lf = f.logits(), *lq = q.logits();
  for (int i = 0; i < n; ++i) {
    softmax_rows(lf, 1, V, pf.data());
    softmax_rows(lq, 1, V, pq.data());
    for (int j = 0; j < V; ++j) worst = std::max(worst, double(std::fabs(pf[size_t(j)] - pq[size_t(j)])));
    const int32_t id = sampler.sample(lf, V).value();
    lf = f.feed(m.params, id);
    lq = q.feed(m.params, id);
  }
  return worst;
}

// int8 precision (model/precision.h) against float32 on each shipped unidirectional model's slice:
// lm bits/char through the stepper within 0.01; a tagger's or classifier's answer changes only where
// float32's was a near tie (its lead over the runner-up below 0.05), and at most one answer in 50.
TEST(ShippedModels, Int8KeepsTheirScores) {
  const auto dirs = shipped();
  if (dirs.empty()) GTEST_SKIP() << "no model is shipped in models/ yet";
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    auto check = json::parse(slurp(dir / "check.json"));
    ASSERT_TRUE(check.is_ok()) << check.status().message();
    auto m = load_model_file((dir / "model.safetensors").string());
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    // int8 does not apply: Network's batched path, or a Transformer's predict()
    if (m->config.bidirectional || (is_transformer(m->config) && m->config.task != Task::kLm)) continue;
    const std::string slice = slurp(dir / check->find("slice")->as_string());
    if (m->config.task == Task::kLm) {
      auto ids = m->vocab.encode(slice);
      ASSERT_TRUE(ids.is_ok()) << ids.status().message();
      const double f = stepped_bits(m.value(), ids.value(), Precision::kFloat32);
      const double q = stepped_bits(m.value(), ids.value(), Precision::kInt8);
      const double gap = free_running_gap(m.value(), 3000);
      std::printf("[ int8  ] %-20s bits/char %.4f vs float32 %.4f (%+.4f); max |dp| over 3,000 sampled symbols %.4f\n",
                  dir.filename().c_str(), q, f, q - f, gap);
      EXPECT_LE(std::fabs(q - f), 0.01);
      EXPECT_GT(std::fabs(q - f), 0.0) << "int8 gave float32's numbers: is it in use?";
      EXPECT_LT(gap, 0.2);
    } else {
      auto rows = parse_jsonl(slice, m->config.task, "slice");
      ASSERT_TRUE(rows.is_ok()) << rows.status().message();
      const bool classifier = m->config.task == Task::kClassifier;
      auto score = [&](Precision p) {
        return classifier ? classifier_accuracy(m.value(), rows.value(), p) : mention_accuracy(m.value(), rows.value(), p);
      };
      const Score f = score(Precision::kFloat32), q = score(Precision::kInt8);
      EXPECT_EQ(q.chosen.size(), f.chosen.size());
      if (q.chosen.size() != f.chosen.size()) continue;
      int changed = 0;
      for (size_t i = 0; i < f.chosen.size(); ++i) {
        if (q.chosen[i] == f.chosen[i]) continue;
        ++changed;
        EXPECT_LT(f.lead[i], 0.05f) << "answer " << i << " changed at int8 with a float32 lead of " << f.lead[i];
      }
      std::printf("[ int8  ] %-20s accuracy %.4f vs float32 %.4f; %d of %zu answers changed\n",
                  dir.filename().c_str(), q.rate(), f.rate(), changed, f.chosen.size());
      EXPECT_LE(changed * 50, int(f.chosen.size())) << "int8 changed " << changed << " answers";
    }
  }
}

}  // namespace
}  // namespace recur
