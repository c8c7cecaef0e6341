// recur train: build the vocabulary from the data, train with (truncated) BPTT, report progress and
// validation, save the model.
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "args.h"
#include "commands.h"
#include "read_file.h"
#include "kernels/parallel.h"
#include "model/serialize.h"
#include "train/examples.h"
#include "train/init.h"
#include "train/run.h"
#include "train/trainer.h"

namespace recur::cli {
namespace {

const char* kHelp =
    "usage: recur train --data FILE --out M.safetensors [flags]\n"
    "data\n"
    "  --data FILE          lm: UTF-8 text; tagger/classifier: JSONL, one example per line:\n"
    "                       {\"text\": \"...\", \"labels\": [one per character]} or {\"text\": \"...\", \"label\": \"...\"}\n"
    "  --val FILE           validation data (default: hold out --val-fraction of the data)\n"
    "  --val-fraction F     share held out when there is no --val (default 0.05)\n"
    "  --no-unk             no <unk> symbol: characters outside the training data become errors\n"
    "  --entries            lm: the text is entries separated by blank lines; the state is reset to zero\n"
    "                       at each entry's first character (in training and validation), so that the\n"
    "                       zero state generation starts from is the start of an entry\n"
    "  --entry-resets F (1) with --entries: the share of training entries that start from zero (drawn\n"
    "                       once per entry from --seed); the others carry the previous entry's state, so\n"
    "                       the model also learns to move on from one entry to the next (validation resets all)\n"
    "  --blank-resets F (0) with --entries: the share of those zero starts that come before the blank line\n"
    "                       preceding the entry, so that a blank line read from zero is also a known start\n"
    "model\n"
    "  --task lm|tagger|classifier (default lm)   --cell lstm|gru|rnn_tanh|rnn_relu|transformer (lstm)\n"
    "  --embed E (64)  --hidden H (256)  --layers L (2)  --dropout P (0)  --bidirectional\n"
    "  transformer: --hidden is d_model (and --embed, which must equal it)  --heads N (4)\n"
    "                       --ff F (4 x hidden)  --max-len N (context window; lm: --seq, else 512)\n"
    "                       --norm-first  --activation relu|gelu (relu); --bidirectional: no attention mask\n"
    "  --init M.safetensors start from this model's weights (e.g. a character LM as pre-training): every\n"
    "                       recurrent or encoder tensor of the same name and shape, the embedding rows of the\n"
    "                       symbols both vocabularies share; from a model of the same task also the head rows\n"
    "                       of shared outputs (an lm's symbols, a tagger's labels), otherwise the head starts fresh\n"
    "  --vocab-data F       build the vocabulary from F (in --data's format) instead of --data, e.g. so that\n"
    "                       the stages of a curriculum share one vocabulary and --init carries every row\n"
    "                       (the labels still come from --data)\n"
    "  --forget-bias F (0)  LSTM: add F to the forget gate's initial bias (PyTorch's layout; 1 is the\n"
    "                       usual choice for long memory: the cell starts out keeping its state); not to\n"
    "                       tensors that --init copies\n"
    "training\n"
    "  --seq T (64)  --batch B (32)  --steps N (1000) | --epochs N  --seed S (0)\n"
    "  --optimizer adam|sgd (adam)  --lr (0.002)  --momentum (0.9)  --weight-decay (0)  --clip (5; 0 = off)\n"
    "  --schedule constant|cosine|step (constant)  --warmup N (0)  --step-size N (1000)  --gamma G (0.5)\n"
    "  --eval-every N (200)  --quiet\n"
    "  --threads N (1)      split the big matrix products among N threads (the same weights as with one)\n"
    "  --keep-best          save to --out at each validation that is the best so far, and keep that file\n"
    "                       at the end (needs validation data); a stopped run leaves its best model\n";

std::string clock_text(double seconds) {
  const long s = long(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// Bits per symbol of an add-one-smoothed unigram model fitted on train, scored on val: the floor
// a sequence model has to beat.
double unigram_bits(const std::vector<int32_t>& train, const std::vector<int32_t>& val, int V) {
  std::vector<double> count(V, 1.0);
  for (int32_t id : train) count[id] += 1;
  const double total = double(train.size()) + V;
  double bits = 0;
  for (size_t i = 1; i < val.size(); ++i) bits -= std::log2(count[val[i]] / total);
  return val.size() > 1 ? bits / double(val.size() - 1) : 0;
}

}  // namespace

int cmd_train(int argc, char** argv) {
  const char* me = "train";
  if (argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h"))) return std::fputs(kHelp, stdout), 0;
  auto args = Args::parse(argc, argv, 2,
                          {"data", "val", "val-fraction", "out", "task", "cell", "embed", "hidden", "layers", "dropout",
                           "seq", "batch", "steps", "epochs", "seed", "optimizer", "lr", "momentum", "weight-decay",
                           "clip", "schedule", "warmup", "step-size", "gamma", "eval-every", "forget-bias", "init",
                           "entry-resets", "blank-resets", "threads", "vocab-data", "heads", "ff", "max-len", "activation"},
                          {"bidirectional", "no-unk", "quiet", "entries", "keep-best", "norm-first"});
  if (!args) return fail(me, args.status());
  auto data_path = args->required("data");
  if (!data_path) return fail(me, data_path.status());
  auto out_path = args->required("out");
  if (!out_path) return fail(me, out_path.status());

  Config cfg;
  TrainConfig tc;
  auto task = parse_task(args->str("task", "lm"));
  auto cell = parse_cell(args->str("cell", "lstm"));
  auto optim = parse_optimizer(args->str("optimizer", "adam"));
  auto sched = parse_schedule(args->str("schedule", "constant"));
  auto embed = args->integer("embed", 64, 1, kMaxDim);
  auto hidden = args->integer("hidden", 256, 1, kMaxDim);
  auto layers = args->integer("layers", 2, 1, kMaxLayers);
  auto dropout = args->number("dropout", 0, 0, 0.99);
  // Training options are parsed here with only their type's limits; their ranges are the engine's
  // (validate(TrainConfig)), checked below.
  constexpr double kAny = 3.4e38;  // float's range: the engine stores these as float
  auto seq = args->integer("seq", 64, INT_MIN, INT_MAX);
  auto batch = args->integer("batch", 32, INT_MIN, INT_MAX);
  auto steps = args->integer("steps", 1000, 1, int64_t(1) << 40);
  auto epochs = args->integer("epochs", 0, 1, 1 << 20);
  auto seed = args->integer("seed", 0, 0, INT64_MAX);
  auto lr = args->number("lr", 2e-3, -kAny, kAny);
  auto momentum = args->number("momentum", 0.9, -kAny, kAny);
  auto wd = args->number("weight-decay", 0, -kAny, kAny);
  auto clip = args->number("clip", 5, -kAny, kAny);
  auto warmup = args->integer("warmup", 0, INT64_MIN, INT64_MAX);
  auto step_size = args->integer("step-size", 1000, INT64_MIN, INT64_MAX);
  auto gamma = args->number("gamma", 0.5, -kAny, kAny);
  auto eval_every = args->integer("eval-every", 200, 1, int64_t(1) << 40);
  auto val_fraction = args->number("val-fraction", 0.05, 0, 0.5);
  auto forget_bias = args->number("forget-bias", 0, -10, 10);
  auto entry_resets = args->number("entry-resets", 1, 0, 1);
  auto blank_resets = args->number("blank-resets", 0, 0, 1);
  auto threads = args->integer("threads", 1, 1, max_threads());
  auto heads = args->integer("heads", 4, 1, kMaxDim);
  auto ff = args->integer("ff", std::min<int64_t>(kMaxDim, 4 * (hidden ? hidden.value() : 256)), 1, kMaxDim);
  auto max_len = args->integer("max-len", 512, 1, kMaxContext);
  auto activation = parse_activation(args->str("activation", "relu"));
  for (const Status* s : {&task.status(), &cell.status(), &optim.status(), &sched.status(), &embed.status(),
                          &hidden.status(), &layers.status(), &dropout.status(), &seq.status(), &batch.status(),
                          &steps.status(), &epochs.status(), &seed.status(), &lr.status(), &momentum.status(),
                          &wd.status(), &clip.status(), &warmup.status(), &step_size.status(), &gamma.status(),
                          &eval_every.status(), &val_fraction.status(), &forget_bias.status(),
                          &entry_resets.status(), &blank_resets.status(), &threads.status(), &heads.status(),
                          &ff.status(), &max_len.status(), &activation.status()})
    if (!s->is_ok()) return fail(me, *s);
  if (Status st = set_num_threads(int(threads.value())); !st.is_ok()) return fail(me, st);
  if (args->has("steps") && args->has("epochs")) return fail(me, invalid_argument("give --steps or --epochs, not both"));
  if (args->has("forget-bias") && cell.value() != CellKind::kLstm)
    return fail(me, invalid_argument("--forget-bias applies to --cell lstm only"));
  cfg.task = task.value();
  cfg.cell = cell.value();
  cfg.embedding_dim = int(embed.value());
  cfg.hidden_size = int(hidden.value());
  cfg.num_layers = int(layers.value());
  cfg.dropout = float(dropout.value());
  cfg.bidirectional = args->has("bidirectional");
  if (cfg.cell == CellKind::kTransformer) {
    if (!args->has("embed")) cfg.embedding_dim = cfg.hidden_size;
    cfg.num_heads = int(heads.value());
    cfg.ff_size = int(ff.value());
    // An lm learns the positions of its training windows only: by default its window is --seq.
    cfg.max_len = args->has("max-len") || cfg.task != Task::kLm ? int(max_len.value()) : int(seq.value());
    if (cfg.task == Task::kLm && seq.value() < cfg.max_len)
      std::fprintf(stderr, "note: training windows of %lld never reach positions %lld..%d of the window: "
                           "predictions there will be poor (--seq = --max-len avoids it)\n",
                   static_cast<long long>(seq.value()), static_cast<long long>(seq.value()), cfg.max_len - 1);
    cfg.norm_first = args->has("norm-first");
    cfg.activation = activation.value();
  } else {
    for (const char* k : {"heads", "ff", "max-len", "activation", "norm-first"})
      if (args->has(k)) return fail(me, invalid_argument(std::string("--") + k + " applies to --cell transformer only"));
  }
  tc.seq_len = int(seq.value());
  tc.batch = int(batch.value());
  tc.seed = uint64_t(seed.value());
  tc.optim.kind = optim.value();
  tc.optim.momentum = float(momentum.value());
  tc.optim.weight_decay = float(wd.value());
  tc.clip = float(clip.value());
  tc.schedule.kind = sched.value();
  tc.schedule.lr = float(lr.value());
  tc.schedule.warmup = warmup.value();
  tc.schedule.step_size = step_size.value();
  tc.schedule.gamma = float(gamma.value());
  if (Status s = validate(tc); !s) return fail(me, s);
  const bool quiet = args->has("quiet"), tty = isatty(fileno(stderr));
  {  // fail now, not after an hour of training, if the model cannot be written
    const std::string probe = out_path.value() + ".tmp";
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    if (!f) return fail(me, io_error("cannot write " + out_path.value() + ": the directory does not exist or is not writable"));
    std::fclose(f);
    std::remove(probe.c_str());
  }

  auto content = read_file(data_path.value());
  if (!content) return fail(me, content.status());
  // --vocab-data: the vocabulary's text comes from another file, read here; otherwise from --data.
  const bool own_vocab = args->has("vocab-data");
  const std::string vocab_path = args->str("vocab-data", data_path.value());
  Result<std::string> vocab_file = own_vocab ? read_file(vocab_path) : Result<std::string>(std::string());
  if (!vocab_file) return fail(me, vocab_file.status());
  const std::string& vocab_text = own_vocab ? vocab_file.value() : content.value();
  auto vocab = Vocab::build_checked(vocab_text, !args->has("no-unk"));
  if (!vocab) return fail(me, Status(vocab.status().code(), vocab_path + ": " + vocab.status().message()));
  cfg.vocab_size = vocab->size();

  std::vector<int32_t> train_ids, val_ids;
  std::vector<Example> train_ex, val_ex;
  std::vector<std::string> labels;
  if (cfg.task == Task::kLm) {
    auto ids = vocab->encode(content.value());  // fails only for a symbol --vocab-data lacks, without <unk>
    if (!ids) return fail(me, Status(ids.status().code(), data_path.value() + ": " + ids.status().message()));
    train_ids = std::move(ids.value());
    if (args->has("val")) {
      auto v = read_file(args->str("val"));
      if (!v) return fail(me, v.status());
      auto ids = vocab->encode(v.value());
      if (!ids) return fail(me, Status(ids.status().code(), args->str("val") + ": " + ids.status().message()));
      val_ids = std::move(ids.value());
    } else {
      const size_t n_val = size_t(double(train_ids.size()) * val_fraction.value());
      if (n_val >= 2 && train_ids.size() - n_val >= size_t(tc.seq_len) + 1) {
        val_ids.assign(train_ids.end() - n_val, train_ids.end());
        train_ids.resize(train_ids.size() - n_val);
      }
    }
  } else {
    auto rows = parse_jsonl(content.value(), cfg.task, data_path.value());
    if (!rows) return fail(me, rows.status());
    auto vrows = own_vocab ? parse_jsonl(vocab_text, cfg.task, vocab_path)
                           : Result<std::vector<LabelledText>>(std::vector<LabelledText>());
    if (!vrows) return fail(me, vrows.status());
    std::string all_text;
    for (const auto& r : (own_vocab ? vrows : rows).value()) all_text += r.text;
    vocab = Vocab::build(all_text, !args->has("no-unk"));
    cfg.vocab_size = vocab->size();
    labels = collect_labels(rows.value());
    cfg.num_labels = int(labels.size());
    std::vector<LabelledText> train_rows, val_rows;
    if (args->has("val")) {
      auto v = read_file(args->str("val"));
      if (!v) return fail(me, v.status());
      auto vr = parse_jsonl(v.value(), cfg.task, args->str("val"));
      if (!vr) return fail(me, vr.status());
      train_rows = std::move(rows.value());
      val_rows = std::move(vr.value());
    } else {  // every k-th example, deterministic
      const size_t k = val_fraction.value() > 0 ? size_t(std::max(2.0, std::round(1.0 / val_fraction.value()))) : 0;
      for (size_t i = 0; i < rows->size(); ++i)
        ((k && rows->size() >= 2 * k && i % k == k - 1) ? val_rows : train_rows).push_back(rows.value()[i]);
    }
    auto te = encode_examples(train_rows, vocab.value(), labels);
    if (!te) return fail(me, Status(te.status().code(), data_path.value() + ": " + te.status().message()));
    auto ve = encode_examples(val_rows, vocab.value(), labels);
    if (!ve) return fail(me, Status(ve.status().code(), "validation " + ve.status().message()));
    train_ex = std::move(te.value());
    val_ex = std::move(ve.value());
  }

  auto model = create_model(cfg, vocab->symbols(), labels, tc.seed);
  if (!model) return fail(me, model.status());
  // Before --init, so that it applies to fresh weights only: a copied tensor keeps its trained value.
  if (forget_bias.value() != 0) {
    const Status fb = add_forget_bias(model.value(), float(forget_bias.value()));
    if (!fb) return fail(me, fb);
  }
  if (args->has("init")) {
    auto from = load_model_file(args->str("init"));
    if (!from) return fail(me, from.status());
    auto copied = init_from(model.value(), from.value());
    if (!copied) return fail(me, Status(copied.status().code(), args->str("init") + ": " + copied.status().message()));
    std::fprintf(stderr, "initialised %lld of %lld parameters from %s\n", static_cast<long long>(copied.value()),
                 static_cast<long long>(model->params.size()), args->str("init").c_str());
  }
  const bool entries = args->has("entries");
  if (args->has("entry-resets") && !entries) return fail(me, invalid_argument("--entry-resets needs --entries"));
  if (args->has("blank-resets") && !entries) return fail(me, invalid_argument("--blank-resets needs --entries"));
  std::vector<uint8_t> train_starts, val_starts;
  if (entries) {
    if (cfg.task != Task::kLm) return fail(me, invalid_argument("--entries applies to --task lm only"));
    if (cfg.bidirectional) return fail(me, invalid_argument("--entries needs a unidirectional model"));
    if (vocab->id_of(U'\n') < 0)
      return fail(me, invalid_argument("--entries: the training text has no newline, so no blank lines between entries"));
    val_starts = entry_starts(val_ids, vocab->id_of(U'\n'));
    train_starts = entry_starts(train_ids, vocab->id_of(U'\n'));
    Rng pick(tc.seed ^ 0x656e74726965735fULL);  // its own stream: the weights' draws stay as without it
    train_starts = pick_entry_resets(std::move(train_starts), entry_resets.value(), blank_resets.value(), pick);
  }
  Trainer trainer(model.value(), tc);
  Status st = cfg.task != Task::kLm ? trainer.set_examples(train_ex) : trainer.set_text(train_ids, train_starts);
  if (!st) return fail(me, st);
  int64_t total = steps.value();
  if (args->has("epochs")) {
    const int64_t per_epoch = cfg.task == Task::kLm
        ? (int64_t(train_ids.size() - 1) / trainer.streams() + tc.seq_len - 1) / tc.seq_len
        : (int64_t(train_ex.size()) + tc.batch - 1) / tc.batch;
    total = epochs.value() * per_epoch;
  }
  trainer.set_total_steps(total);

  std::fprintf(stderr, "%s %s, %d x %d, %lld parameters; vocabulary %d; %s\n", task_name(cfg.task), cell_name(cfg.cell),
               cfg.num_layers, cfg.hidden_size, static_cast<long long>(parameter_count(cfg)), cfg.vocab_size,
               cfg.task == Task::kLm ? (std::to_string(train_ids.size()) + " training symbols, " +
                                        std::to_string(val_ids.size()) + " validation").c_str()
                                     : (std::to_string(train_ex.size()) + " training examples, " +
                                        std::to_string(val_ex.size()) + " validation").c_str());
  if (cfg.task == Task::kLm && val_ids.size() > 1)
    std::fprintf(stderr, "unigram baseline on validation: %.3f bits/char\n", unigram_bits(train_ids, val_ids, cfg.vocab_size));

  const bool keep_best = args->has("keep-best");
  RunConfig rc;
  rc.steps = total;
  rc.eval_every = eval_every.value();
  rc.keep_best = keep_best;  // the run checks that there is validation data
  // The file is the kept copy: each best validation is saved as it happens, so a stopped or failed
  // run still leaves its best model (the run's own copy in memory goes unused here).
  Validation val;
  val.ids = std::move(val_ids);
  if (entries) val.starts = std::move(val_starts);
  val.examples = std::move(val_ex);
  auto run = TrainingRun::create(trainer, rc, std::move(val));
  if (!run) {
    const char* hint = keep_best ? " (--val, or a --val-fraction that leaves some)" : "";
    return fail(me, Status(run.status().code(), run.status().message() + hint));
  }

  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  int64_t symbols = 0;
  double smooth = 0;
  while (!run->done()) {
    auto p = run->advance(1);
    if (!p) {
      std::fprintf(stderr, "\n");
      if (keep_best && run->best_step() > 0)  // the file holds the best model: keep it, not the weights that diverged
        return fail(me, Status(p.status().code(), p.status().message() + "; " + out_path.value() +
                                                      " keeps the best model, of step " +
                                                      std::to_string(run->best_step())));
      const Status saved = save_model_file(model.value(), out_path.value());
      return fail(me, Status(p.status().code(), p.status().message() +
                                                    (saved ? "; saved them to " + out_path.value() : std::string())));
    }
    const int64_t s = p->step;
    symbols += p->symbols;
    smooth = s == 1 ? p->last.loss : 0.95 * smooth + 0.05 * p->last.loss;
    const double secs = std::chrono::duration<double>(clock::now() - t0).count();
    const bool report = !quiet && (tty || s % std::max<int64_t>(1, total / 20) == 0 || s == total);
    if (report) {
      std::fprintf(stderr, "%sstep %lld/%lld  loss %.4f (%.3f bits)  lr %.2e  %.0f chars/s  ETA %s%s",
                   tty ? "\r\033[K" : "", static_cast<long long>(s), static_cast<long long>(total), smooth,
                   smooth / std::log(2.0), double(p->last.lr), double(symbols) / secs,
                   clock_text(secs / double(s) * double(total - s)).c_str(), tty ? "" : "\n");
      std::fflush(stderr);
    }
    if (p->validated) {
      const EvalResult& r = p->validation;
      if (cfg.task == Task::kLm)
        std::fprintf(stderr, "%sstep %lld: validation %.4f bits/char\n", tty && !quiet ? "\r\033[K" : "",
                     static_cast<long long>(s), r.bits());
      else
        std::fprintf(stderr, "%sstep %lld: validation loss %.4f, accuracy %.4f\n", tty && !quiet ? "\r\033[K" : "",
                     static_cast<long long>(s), r.loss, r.accuracy);
      if (keep_best && p->best)
        if (Status saved = save_model_file(model.value(), out_path.value()); !saved) return fail(me, saved);
    }
  }
  const double secs = std::chrono::duration<double>(clock::now() - t0).count();
  std::fprintf(stderr, "trained %lld steps in %s (%.0f chars/s)\n", static_cast<long long>(total), clock_text(secs).c_str(),
               double(symbols) / secs);
  if (keep_best && run->best_step() == 0)  // no validation was finite: nothing to keep
    return fail(me, Status(ErrorCode::kDiverged, "no validation loss was finite, so no model was kept"));
  if (keep_best) {
    std::fprintf(stderr, "kept %s: the model of step %lld, the best on validation\n", out_path->c_str(),
                 static_cast<long long>(run->best_step()));
    return 0;
  }
  st = save_model_file(model.value(), out_path.value());
  if (!st) return fail(me, st);
  std::fprintf(stderr, "saved %s\n", out_path->c_str());
  return 0;
}

}  // namespace recur::cli
