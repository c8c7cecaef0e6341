// recur info: what a model file holds.
#include <cstdio>
#include <cstring>

#include "args.h"
#include "commands.h"
#include "kernels/simd.h"
#include "model/serialize.h"

namespace recur::cli {

int cmd_info(int argc, char** argv) {
  const char* me = "info";
  if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h")))
    return std::fputs("usage: recur info --model M.safetensors\n", stdout), 0;
  auto args = Args::parse(argc, argv, 2, {"model"}, {});
  if (!args) return fail(me, args.status());
  auto path = args->required("model");
  if (!path) return fail(me, path.status());
  auto model = load_model_file(path.value());
  if (!model) return fail(me, model.status());
  const Config& c = model->config;
  std::printf("model       %s\n", path->c_str());
  std::printf("task        %s\n", task_name(c.task));
  std::printf("cell        %s\n", cell_name(c.cell));
  std::printf("layers      %d x %d hidden%s\n", c.num_layers, c.hidden_size, c.bidirectional ? ", bidirectional" : "");
  std::printf("embedding   %d x %d\n", c.vocab_size, c.embedding_dim);
  std::printf("dropout     %g\n", double(c.dropout));
  std::printf("parameters  %lld\n", static_cast<long long>(parameter_count(c)));
  std::string labels;
  for (const auto& l : model->labels) labels += (labels.empty() ? "" : ", ") + l;
  if (c.task != Task::kLm) std::printf("labels      %s\n", labels.c_str());
  std::printf("config      %s\n", config_to_json(c).c_str());
  std::printf("engine      %s kernels\n", simd_arch_name());
  return 0;
}

}  // namespace recur::cli
