// recur eval: bits per character of an lm on a text file, or loss and accuracy of a tagger /
// classifier on a JSONL file.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "args.h"
#include "commands.h"
#include "read_file.h"
#include "layers/softmax.h"
#include "model/network.h"
#include "model/serialize.h"
#include "train/examples.h"
#include "train/trainer.h"

namespace recur::cli {
namespace {

// Mean bits of the characters 2..n+1 of each entry, read by a fresh batch-1 stepper after `prefix`.
// The first character is only read: nothing before it in the entry predicts it.
double entry_head_bits(const Model<float>& m, const std::vector<int32_t>& ids, const std::vector<uint8_t>& starts,
                       const std::vector<int32_t>& prefix, int n, int64_t& scored) {
  Stepper<float> st(m.config);
  const int V = output_size(m.config);
  double bits = 0;
  scored = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!starts[i]) continue;
    st.reset(m.params);
    for (int32_t id : prefix) st.feed(m.params, id);
    const float* logits = st.feed(m.params, ids[i]);
    for (size_t k = i + 1; k < ids.size() && k <= i + size_t(n) && !starts[k]; ++k) {
      bits += softmax_xent(logits, 1, V, &ids[k], static_cast<float*>(nullptr), 1.0).loss_sum / std::log(2.0);
      ++scored;
      logits = st.feed(m.params, ids[k]);
    }
  }
  return scored ? bits / double(scored) : 0;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  const char* me = "eval";
  if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h")))
    return std::fputs("usage: recur eval --model M.safetensors --data FILE [--seq 256] [--batch 32] [--entries [--head N]]\n"
                      "  lm: FILE is UTF-8 text; tagger/classifier: FILE is JSONL as for train\n"
                      "  --entries  lm: FILE is entries separated by blank lines; each is read from the zero state\n"
                      "             (as `train --entries` trains), and the first --head (12) predicted characters\n"
                      "             of each entry are also scored cold (from the zero state) and primed (after\n"
                      "             reading a blank line, \"\\n\\n\", from the zero state)\n",
                      stdout),
           0;
  auto args = Args::parse(argc, argv, 2, {"model", "data", "seq", "batch", "head"}, {"entries"});
  if (!args) return fail(me, args.status());
  auto path = args->required("model");
  if (!path) return fail(me, path.status());
  auto data_path = args->required("data");
  if (!data_path) return fail(me, data_path.status());
  auto seq = args->integer("seq", 256, 1, 1 << 20);
  auto batch = args->integer("batch", 32, 1, 1 << 16);
  auto head = args->integer("head", 12, 1, 1 << 20);
  if (!seq) return fail(me, seq.status());
  if (!batch) return fail(me, batch.status());
  if (!head) return fail(me, head.status());
  const bool entries = args->has("entries");
  if (args->has("head") && !entries) return fail(me, invalid_argument("--head needs --entries"));
  auto model = load_model_file(path.value());
  if (!model) return fail(me, model.status());
  auto content = read_file(data_path.value());
  if (!content) return fail(me, content.status());
  if (entries && model->config.task != Task::kLm) return fail(me, invalid_argument("--entries applies to an lm only"));
  const Vocab& vocab = model->vocab;
  if (model->config.task == Task::kLm) {
    auto ids = vocab.encode(content.value());
    if (!ids) return fail(me, Status(ids.status().code(), data_path.value() + ": " + ids.status().message()));
    if (ids->size() < 2) return fail(me, invalid_argument(data_path.value() + " needs at least 2 characters"));
    if (!entries) {
      const EvalResult r = evaluate_lm(model.value(), ids.value(), int(seq.value()), int(batch.value()));
      std::printf("bits/char %.4f  accuracy %.4f  symbols %lld\n", r.bits(), r.accuracy, static_cast<long long>(r.count));
      return 0;
    }
    const int32_t nl = vocab.id_of(U'\n');
    if (nl < 0 || model->config.bidirectional)
      return fail(me, invalid_argument("--entries needs a unidirectional lm whose vocabulary has a newline"));
    const std::vector<uint8_t> starts = entry_starts(ids.value(), nl);
    const EvalResult r = evaluate_lm(model.value(), ids.value(), int(seq.value()), int(batch.value()), &starts);
    int64_t n_cold = 0, n_primed = 0;
    const double cold = entry_head_bits(model.value(), ids.value(), starts, {}, int(head.value()), n_cold);
    const double primed = entry_head_bits(model.value(), ids.value(), starts, {nl, nl}, int(head.value()), n_primed);
    std::printf("bits/char %.4f  accuracy %.4f  symbols %lld  (entries from the zero state)\n", r.bits(), r.accuracy,
                static_cast<long long>(r.count));
    std::printf("entry heads: cold %.4f  primed %.4f  bits/char  (characters 2..%lld of each entry, %lld scored)\n",
                cold, primed, static_cast<long long>(head.value() + 1), static_cast<long long>(n_cold));
    return 0;
  }
  auto rows = parse_jsonl(content.value(), model->config.task, data_path.value());
  if (!rows) return fail(me, rows.status());
  auto ex = encode_examples(rows.value(), vocab, model->labels);
  if (!ex) return fail(me, ex.status());
  if (Status st = check_window(model->config, longest_example(ex.value()), "the longest example"); !st.is_ok())
    return fail(me, st);
  const EvalResult r = evaluate_examples(model.value(), ex.value(), int(batch.value()));
  std::printf("accuracy %.4f  loss %.4f nats  scored %lld\n", r.accuracy, r.loss, static_cast<long long>(r.count));
  return 0;
}

}  // namespace recur::cli
