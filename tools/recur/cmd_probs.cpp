// recur probs: the model's output distribution at every position of a text.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "args.h"
#include "commands.h"
#include "model/predict.h"
#include "model/serialize.h"
#include "text/utf8.h"
#include "util/json.h"

namespace recur::cli {

static const char* kHelp =
    "usage: recur probs --model M.safetensors --text TEXT [--json] [--top K] [--precision P]\n"
    "  lm: the next-symbol distribution after each position; tagger: the label distribution at\n"
    "  each position; classifier: one distribution for the text.\n"
    "  --json    print {\"symbols\": [...], \"probs\": [[...], ...]} with every probability\n"
    "  --top K   without --json, show the K most probable symbols per position (default 5)\n"
    "  --precision P  float32 (default: the weights as stored) or int8 (a unidirectional model's recurrent\n"
    "                 product with int8 weights)\n";

int cmd_probs(int argc, char** argv) {
  const char* me = "probs";
  if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h"))) return std::fputs(kHelp, stdout), 0;
  auto args = Args::parse(argc, argv, 2, {"model", "text", "top", "precision"}, {"json"});
  if (!args) return fail(me, args.status());
  auto path = args->required("model");
  if (!path) return fail(me, path.status());
  auto text = args->required("text");
  if (!text) return fail(me, text.status());
  auto top = args->integer("top", 5, 1, 1 << 20);
  if (!top) return fail(me, top.status());
  auto precision = parse_precision(args->str("precision", "float32"));
  if (!precision) return fail(me, precision.status());
  auto model = load_model_file(path.value());
  if (!model) return fail(me, model.status());
  auto pred = Predictor(model.value(), precision.value()).run(model.value(), text.value());
  if (!pred) return fail(me, pred.status());
  const Prediction& p = pred.value();
  if (args->has("json")) {
    std::string out = "{\"symbols\":[";
    for (int j = 0; j < p.cols; ++j) out += (j ? "," : "") + json::dump(json::Value::string((*p.symbols)[j]));
    out += "],\"probs\":[";
    char buf[32];
    for (int r = 0; r < p.rows; ++r) {
      out += r ? ",[" : "[";
      for (int j = 0; j < p.cols; ++j) {
        std::snprintf(buf, sizeof buf, "%s%.9g", j ? "," : "", double(p.probs[size_t(r) * p.cols + j]));
        out += buf;
      }
      out += "]";
    }
    out += "]}\n";
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  auto cps = utf8_decode(text.value());
  const int k = int(std::min<int64_t>(top.value(), p.cols));
  std::vector<int> order(p.cols);
  for (int r = 0; r < p.rows; ++r) {
    const float* row = p.probs.data() + size_t(r) * p.cols;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) { return row[a] > row[b]; });
    std::string at;
    if (p.rows == int(cps->size())) utf8_append(at, (*cps)[r]); else at = "(text)";
    std::printf("%4d %-6s", r, at == "\n" ? "\\n" : at.c_str());
    for (int i = 0; i < k; ++i) {
      const std::string& s = (*p.symbols)[order[i]];
      std::printf("  %s %.4f", s == "\n" ? "\\n" : s.c_str(), double(row[order[i]]));
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace recur::cli
