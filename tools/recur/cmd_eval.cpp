// recur eval: bits per character of an lm on a text file, or loss and accuracy of a tagger /
// classifier on a JSONL file.
#include <cstdio>
#include <cstring>

#include "args.h"
#include "commands.h"
#include "read_file.h"
#include "train/examples.h"
#include "model/serialize.h"

namespace recur::cli {

int cmd_eval(int argc, char** argv) {
  const char* me = "eval";
  if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h")))
    return std::fputs("usage: recur eval --model M.safetensors --data FILE [--seq 256] [--batch 32]\n"
                      "  lm: FILE is UTF-8 text; tagger/classifier: FILE is JSONL as for train\n",
                      stdout),
           0;
  auto args = Args::parse(argc, argv, 2, {"model", "data", "seq", "batch"}, {});
  if (!args) return fail(me, args.status());
  auto path = args->required("model");
  if (!path) return fail(me, path.status());
  auto data_path = args->required("data");
  if (!data_path) return fail(me, data_path.status());
  auto seq = args->integer("seq", 256, 1, 1 << 20);
  auto batch = args->integer("batch", 32, 1, 1 << 16);
  if (!seq) return fail(me, seq.status());
  if (!batch) return fail(me, batch.status());
  auto model = load_model_file(path.value());
  if (!model) return fail(me, model.status());
  auto content = read_file(data_path.value());
  if (!content) return fail(me, content.status());
  auto vocab = Vocab::from_symbols(model->vocab);
  if (!vocab) return fail(me, vocab.status());
  if (model->config.task == Task::kLm) {
    auto ids = vocab->encode(content.value());
    if (!ids) return fail(me, Status(ids.status().code(), data_path.value() + ": " + ids.status().message()));
    if (ids->size() < 2) return fail(me, invalid_argument(data_path.value() + " needs at least 2 characters"));
    const EvalResult r = evaluate_lm(model.value(), ids.value(), int(seq.value()), int(batch.value()));
    std::printf("bits/char %.4f  accuracy %.4f  symbols %lld\n", r.bits(), r.accuracy, static_cast<long long>(r.count));
    return 0;
  }
  auto rows = parse_jsonl(content.value(), model->config.task, data_path.value());
  if (!rows) return fail(me, rows.status());
  auto ex = encode_examples(rows.value(), vocab.value(), model->labels);
  if (!ex) return fail(me, ex.status());
  const EvalResult r = evaluate_examples(model.value(), ex.value(), int(batch.value()));
  std::printf("accuracy %.4f  loss %.4f nats  scored %lld\n", r.accuracy, r.loss, static_cast<long long>(r.count));
  return 0;
}

}  // namespace recur::cli
