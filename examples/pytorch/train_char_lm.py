"""Train a character language model in PyTorch and export it for recur.

    /usr/bin/python3 examples/pytorch/train_char_lm.py --text corpus.txt --out model.safetensors
    build/recur generate --model model.safetensors --prompt "The " --length 300 --temperature 0.8

The model is recur_torch.RecurModel, an ordinary nn.Module: move it to a GPU, wrap it in
DistributedDataParallel, use any optimiser or schedule; only the module's structure is fixed
(embedding -> nn.LSTM/GRU/RNN, time-major -> head). The exported file loads in the recur CLI, in
C++ (load_model_file) and in the browser (recur-rnn's loadModel / fetchModel).
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "pytorch"))
import recur_torch  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--text", required=True, help="UTF-8 training text")
    ap.add_argument("--out", required=True, help="the .safetensors file to write")
    ap.add_argument("--cell", default="lstm", choices=recur_torch.CELLS)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--seq", type=int, default=64, help="characters per truncated-BPTT window")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dtype", default="F32", choices=("F32", "F16", "BF16"), help="weight storage in the file")
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    with open(a.text, encoding="utf-8") as f:
        text = f.read()
    model = recur_torch.RecurModel("lm", a.cell, recur_torch.vocab_from_text(text), embedding_dim=a.embed,
                                   hidden_size=a.hidden, num_layers=a.layers)
    ids = model.encode(text)
    if len(ids) < a.seq + 2:
        sys.exit(f"the text has {len(ids)} characters: it needs more than --seq + 1 = {a.seq + 1}")
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    for step in range(1, a.steps + 1):
        starts = torch.randint(0, len(ids) - a.seq - 1, (a.batch,))
        batch = torch.stack([ids[s:s + a.seq + 1] for s in starts.tolist()], dim=1)   # (seq + 1, batch)
        logits, _ = model(batch[:-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if step % max(1, a.steps // 10) == 0 or step == a.steps:
            print(f"step {step}/{a.steps}  loss {loss.item():.4f} nats/char", flush=True)
    model.eval()
    recur_torch.save(model, a.out, dtype=a.dtype)
    print(f"saved {a.out}; greedy sample: {model.generate_greedy(text[:4], 60)!r}")


if __name__ == "__main__":
    main()
