// recur generate: stream sampled text to stdout.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "model/serialize.h"
#include "sampling/generator.h"

namespace recur::cli {

static const char* kHelp =
    "usage: recur generate --model M.safetensors [flags]\n"
    "  --prompt TEXT       text to read before sampling (default: empty, start from the zero state)\n"
    "  --length N          symbols to generate, 1..10000000 (default 200)\n"
    "  --temperature T     >= 0; 0 is greedy (default 1)\n"
    "  --top-k K           sample among the K most probable symbols, K >= 1 (default: off)\n"
    "  --top-p P           nucleus sampling, 0 < P <= 1 (default 1: off)\n"
    "  --seed S            random seed (default 0): the same seed gives the same text\n"
    "  --stop TEXT         stop once the output ends with TEXT\n"
    "  --avoid-unknown     never emit <unk> or U+FFFD (the rare-character symbol of our corpora)\n"
    "  --precision P       float32 (default: the weights as stored) or int8 (faster)\n"
    "  --count N           N samples side by side, 1..32 (default 1); sample i uses seed S + i.\n"
    "                      Each is printed after the prompt, followed by a blank line\n";

int cmd_generate(int argc, char** argv) {
  const char* me = "generate";
  if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h"))) return std::fputs(kHelp, stdout), 0;
  auto args = Args::parse(argc, argv, 2, {"model", "prompt", "length", "temperature", "top-k", "top-p", "seed", "stop",
                                                   "precision", "count"},
                          {"avoid-unknown"});
  if (!args) return fail(me, args.status());
  auto path = args->required("model");
  if (!path) return fail(me, path.status());
  GenerateOptions o;
  o.prompt = args->str("prompt");
  o.stop = args->str("stop");
  o.avoid_unknown = args->has("avoid-unknown");
  auto length = args->integer("length", 200, 1, kMaxGenerateLength);
  auto temp = args->number("temperature", 1.0, 0.0, 1e6);
  auto top_k = args->integer("top-k", 0, 1, 1 << 24);
  auto top_p = args->number("top-p", 1.0, 0.0, 1.0);
  auto seed = args->integer("seed", 0, 0, INT64_MAX);
  auto count = args->integer("count", 1, 1, kMaxGenerateCount);
  for (const Status* s : {&length.status(), &temp.status(), &top_k.status(), &top_p.status(), &seed.status(),
                          &count.status()})
    if (!s->is_ok()) return fail(me, *s);
  o.count = int(count.value());
  o.length = length.value();
  o.sample.temperature = float(temp.value());
  o.sample.top_k = int(top_k.value());
  o.sample.top_p = float(top_p.value());
  o.sample.seed = uint64_t(seed.value());
  auto precision = parse_precision(args->str("precision", "float32"));
  if (!precision) return fail(me, precision.status());
  o.precision = precision.value();
  if (Status s = validate(o); !s) return fail(me, s);  // before the model: option errors come first
  auto model = load_model_file(path.value());
  if (!model) return fail(me, model.status());
  auto gen = Generator::create(model.value(), o);
  if (!gen) return fail(me, gen.status());
  if (o.count == 1) {  // streamed as it comes
    std::fputs(o.prompt.c_str(), stdout);
    while (!gen->done()) {
      auto piece = gen->next();
      if (!piece) return fail(me, piece.status());
      std::fwrite(piece->data(), 1, piece->size(), stdout);
      std::fflush(stdout);
    }
    std::fputc('\n', stdout);
    return 0;
  }
  std::vector<std::string> texts(size_t(o.count), o.prompt);
  while (!gen->done()) {
    if (Status s = gen->next_all(); !s) return fail(me, s);
    for (size_t i = 0; i < texts.size(); ++i) texts[i] += gen->pieces()[i];
  }
  for (const std::string& t : texts) std::printf("%s\n\n", t.c_str());
  return 0;
}

}  // namespace recur::cli
