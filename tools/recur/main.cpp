// recur: train, sample from and inspect character-level RNN / LSTM / GRU models.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "commands.h"

namespace recur::cli {

namespace {

// The flag that sets an engine setting (Status::option()), so that an error names what was typed.
const char* flag_of(std::string_view key) {
  static const char* const kFlags[][2] = {
      {"seq_len", "--seq"},         {"batch", "--batch"},           {"total_steps", "--steps"},
      {"step_size", "--step-size"}, {"weight_decay", "--weight-decay"}, {"top_k", "--top-k"},
      {"top_p", "--top-p"},         {"hidden_size", "--hidden"},    {"embedding_dim", "--embed"},
      {"num_layers", "--layers"},   {"length", "--length"},         {"temperature", "--temperature"},
      {"lr", "--lr"},               {"clip", "--clip"},             {"momentum", "--momentum"},
      {"warmup", "--warmup"},       {"gamma", "--gamma"},           {"dropout", "--dropout"},
      {"eval_every", "--eval-every"}, {"steps", "--steps"},       {"precision", "--precision"},
      {"count", "--count"}};
  for (const auto& f : kFlags)
    if (key == f[0]) return f[1];
  return nullptr;
}

}  // namespace

int fail(const char* command, const Status& s) {
  const char* flag = flag_of(s.option());
  std::string message = s.message();
  if (flag) message = std::string(flag) + message.substr(s.option().size());
  std::fprintf(stderr, "recur %s: error: %s\n", command, message.c_str());
  return s.code() == ErrorCode::kInvalidArgument || s.code() == ErrorCode::kOutOfRange ? 2 : 1;
}

}  // namespace recur::cli

static const char* kUsage =
    "usage: recur <command> [flags]\n"
    "\n"
    "commands:\n"
    "  train     train a model: --data FILE [--val FILE] --out M.safetensors [--task lm|tagger|classifier]\n"
    "            [--cell lstm|gru|rnn_tanh|rnn_relu] [--hidden 256] [--layers 2] [--embed 64] [--seq 64]\n"
    "            [--batch 32] [--lr 0.002] [--optimizer adam|sgd] [--schedule constant|cosine|step]\n"
    "            [--clip 5] [--dropout 0] [--bidirectional] [--steps N | --epochs N] [--seed 0] ...\n"
    "  generate  sample text: --model M [--prompt TEXT] [--length 200] [--temperature 1] [--top-k K]\n"
    "            [--top-p P] [--seed 0] [--stop TEXT]\n"
    "  probs     per-position output distributions: --model M --text TEXT [--json] [--top 5]\n"
    "  eval      bits per character or accuracy: --model M --data FILE\n"
    "  info      describe a model file: --model M\n"
    "\n"
    "Run 'recur <command> --help' for every flag of a command.\n";

int main(int argc, char** argv) {
  using namespace recur::cli;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "train")) return cmd_train(argc, argv);
  if (!std::strcmp(cmd, "generate")) return cmd_generate(argc, argv);
  if (!std::strcmp(cmd, "probs")) return cmd_probs(argc, argv);
  if (!std::strcmp(cmd, "eval")) return cmd_eval(argc, argv);
  if (!std::strcmp(cmd, "info")) return cmd_info(argc, argv);
  std::fprintf(stderr, "recur: unknown command \"%s\"\n\n%s", cmd, kUsage);
  return 2;
}
