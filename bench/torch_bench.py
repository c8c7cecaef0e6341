"""PyTorch CPU on char-lstm-256x2 (and its GRU and tanh-RNN variants), one thread (training also
with two), for make bench:
python3 bench/torch_bench.py [--quick]. The model is tools/pytorch's RecurModel, the network recur
computes (embedding 64, 2 x 256, head to 96 symbols), with PyTorch's own initialisation: speed does
not depend on the weights.
- Generation: batch 1 under torch.no_grad(), one step of embedding, rnn (state carried), head,
  softmax and torch.multinomial per symbol; best of blocks of 1,000 after 50 warm-up steps.
- Training: seq 64, batch 32, cross-entropy, Adam (lr 2e-3), gradient clipping by global norm 1,
  zero start state per batch; best of single steps after 2 warm-up steps.
- The Transformer (char-transformer-128x4: d 128, 4 layers, 4 heads, feed-forward 512, window 256):
  training only, seq 128, batch 16 (nn.TransformerEncoder has no key/value cache, so its generation
  would recompute the window each step: not the same work as the others').
Prints a @@RESULT line of JSON, as the other benches."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "pytorch"))

import torch  # noqa: E402
from torch import nn  # noqa: E402

import recur_torch  # noqa: E402

QUICK = "--quick" in sys.argv
VOCAB = ["<unk>"] + [chr(32 + i) for i in range(95)]
torch.set_num_threads(1)
torch.manual_seed(1)


def model_of(cell):
    if cell == "transformer":
        return recur_torch.RecurModel("lm", cell, VOCAB, embedding_dim=128, hidden_size=128, num_layers=4,
                                      num_heads=4, ff_size=512, max_len=256)
    return recur_torch.RecurModel("lm", cell, VOCAB, embedding_dim=64, hidden_size=256, num_layers=2)


def generation(cell):
    m = model_of(cell).eval()
    state, i = None, torch.tensor([[1]])

    def steps(n):
        nonlocal state, i
        for _ in range(n):
            logits, state = m(i, state)
            p = torch.softmax(logits[0, 0], dim=-1)
            i = torch.multinomial(p, 1).clamp(min=1).view(1, 1)

    with torch.no_grad():
        t0 = time.perf_counter()
        steps(50)
        cold = 50 / (time.perf_counter() - t0)
        best = 0.0
        for _ in range(2 if QUICK else 7):
            t0 = time.perf_counter()
            steps(1000)
            best = max(best, 1000 / (time.perf_counter() - t0))
    return best, cold


def training(cell, seq=64, batch=32):
    m = model_of(cell).train()
    opt = torch.optim.Adam(m.parameters(), lr=2e-3)
    g = torch.Generator().manual_seed(2)
    x = torch.randint(1, 96, (seq + 1, batch), generator=g)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        logits, _ = m(x[:-1])
        loss = loss_fn(logits.reshape(-1, 96), x[1:].reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()

    t0 = time.perf_counter()
    step()
    cold = seq * batch / (time.perf_counter() - t0)
    step()
    best = 0.0
    for _ in range(2 if QUICK else 8):
        t0 = time.perf_counter()
        step()
        best = max(best, seq * batch / (time.perf_counter() - t0))
    return best, cold


result = {"bench": "pytorch-cpu", "version": torch.__version__, "threads": torch.get_num_threads()}
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread", file=sys.stderr)
for cell, key in (("lstm", "lstm"), ("gru", "gru"), ("rnn_tanh", "rnn")):
    g, gc = generation(cell)
    t, tc = training(cell)
    print(f"gen   {key:5} {g:9.0f} steps/s best {gc:9.0f} cold   train {t:9.0f} chars/s best {tc:9.0f} cold", file=sys.stderr)
    result.update({f"gen_{key}": g, f"gen_{key}_cold": gc, f"train_{key}": t, f"train_{key}_cold": tc})
t, tc = training("transformer", seq=128, batch=16)
print(f"train transformer {t:9.0f} chars/s best {tc:9.0f} cold", file=sys.stderr)
result.update({"train_transformer": t, "train_transformer_cold": tc})
# Two threads beside one, as recur's native bench does (its *_2t figures).
if (os.cpu_count() or 1) >= 2:
    torch.set_num_threads(2)
    t, _ = training("lstm")
    t2, _ = training("transformer", seq=128, batch=16)
    print(f"train lstm, 2 threads {t:9.0f} chars/s best; transformer {t2:9.0f}", file=sys.stderr)
    result.update({"train_lstm_2t": t, "train_transformer_2t": t2})
print("@@RESULT " + json.dumps(result))
