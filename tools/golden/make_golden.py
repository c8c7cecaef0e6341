#!/usr/bin/python3
# Writes tests/golden/<case>.{safetensors,json}: tiny seeded models and the outputs PyTorch's
# documented nn.RNN / nn.LSTM / nn.GRU equations give for them, computed here in float64 with no
# code from the engine. Run: /usr/bin/python3 tools/golden/make_golden.py  (see tests/golden/README.md)
import json
import math
import os
import struct
import sys

import numpy as np

GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}

# name, seed, config, T, lengths, with initial state. V=7, E=5 throughout; lengths [5,3,1] put
# padding in two of the three sequences, and the length-1 one makes the reverse direction start
# and stop on the same step.
CASES = [
    ("lm_rnn_tanh", 101, dict(task="lm", cell="rnn_tanh", H=4, L=1, bi=False), 5, [5, 3, 1], False),
    ("lm_rnn_relu", 102, dict(task="lm", cell="rnn_relu", H=4, L=1, bi=False), 5, [5, 3, 1], False),
    ("lm_lstm", 103, dict(task="lm", cell="lstm", H=4, L=1, bi=False), 5, [5, 3, 1], False),
    ("lm_gru", 104, dict(task="lm", cell="gru", H=6, L=1, bi=False), 5, [5, 3, 1], False),
    ("lm_lstm_2layer", 105, dict(task="lm", cell="lstm", H=4, L=2, bi=False), 5, [5, 3, 1], False),
    ("lm_gru_2layer", 106, dict(task="lm", cell="gru", H=4, L=2, bi=False), 5, [5, 3, 1], False),
    ("tagger_bilstm_2layer", 107, dict(task="tagger", cell="lstm", H=4, L=2, bi=True), 5, [5, 3, 1], False),
    ("tagger_bigru", 108, dict(task="tagger", cell="gru", H=4, L=1, bi=True), 5, [5, 3, 1], False),
    ("tagger_birnn", 109, dict(task="tagger", cell="rnn_tanh", H=4, L=1, bi=True), 5, [5, 3, 1], False),
    ("classifier_lstm", 110, dict(task="classifier", cell="lstm", H=4, L=1, bi=False), 5, [5, 3, 1], False),
    ("classifier_bigru_2layer", 111, dict(task="classifier", cell="gru", H=4, L=2, bi=True), 5, [5, 3, 1], False),
    ("lm_lstm_init_state", 112, dict(task="lm", cell="lstm", H=4, L=1, bi=False), 5, [5, 3, 1], True),
]
V, E, NUM_LABELS, BOUND = 7, 5, 3, 0.6


def f32(a):
    """Rounds to float32 and back: the file stores F32, so the reference uses exactly those values."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_model(seed, cfg):
    """Parameters in state_dict order, U(-0.6, 0.6): wide enough that tanh/sigmoid are not saturated
    and relu is sometimes negative, which PyTorch's default U(-1/sqrt(H), ..) for H=4 also gives."""
    rng = np.random.default_rng(seed)
    G, H, L, D = GATES[cfg["cell"]], cfg["H"], cfg["L"], 2 if cfg["bi"] else 1
    out = V if cfg["task"] == "lm" else NUM_LABELS
    p = {"embedding.weight": f32(rng.uniform(-1, 1, (V, E)))}
    for k in range(L):
        for d in range(D):
            s = f"{k}" + ("_reverse" if d else "")
            inp = E if k == 0 else D * H
            p["rnn.weight_ih_l" + s] = f32(rng.uniform(-BOUND, BOUND, (G * H, inp)))
            p["rnn.weight_hh_l" + s] = f32(rng.uniform(-BOUND, BOUND, (G * H, H)))
            p["rnn.bias_ih_l" + s] = f32(rng.uniform(-BOUND, BOUND, (G * H,)))
            p["rnn.bias_hh_l" + s] = f32(rng.uniform(-BOUND, BOUND, (G * H,)))
    p["head.weight"] = f32(rng.uniform(-BOUND, BOUND, (out, D * H)))
    p["head.bias"] = f32(rng.uniform(-BOUND, BOUND, (out,)))
    return p, rng


# ---- reference A: one sequence at a time, scalar Python floats, no padding at all ----------------
def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def matvec(W, x):
    return [sum(W[r][j] * x[j] for j in range(len(x))) for r in range(len(W))]


def cell_step_scalar(cell, w_ih, w_hh, b_ih, b_hh, x, h, c):
    """One step of the PyTorch cell on Python lists. Returns (h', c')."""
    H = len(h)
    gi = [a + b for a, b in zip(matvec(w_ih, x), b_ih)]  # W_ih x + b_ih, (G*H)
    gh = [a + b for a, b in zip(matvec(w_hh, h), b_hh)]  # W_hh h + b_hh, (G*H)
    if cell == "rnn_tanh":
        return [math.tanh(gi[j] + gh[j]) for j in range(H)], None
    if cell == "rnn_relu":
        return [max(0.0, gi[j] + gh[j]) for j in range(H)], None
    if cell == "lstm":  # rows i, f, g, o
        i = [sig(gi[j] + gh[j]) for j in range(H)]
        f = [sig(gi[H + j] + gh[H + j]) for j in range(H)]
        g = [math.tanh(gi[2 * H + j] + gh[2 * H + j]) for j in range(H)]
        o = [sig(gi[3 * H + j] + gh[3 * H + j]) for j in range(H)]
        c2 = [f[j] * c[j] + i[j] * g[j] for j in range(H)]
        return [o[j] * math.tanh(c2[j]) for j in range(H)], c2
    # gru, rows r, z, n; r multiplies (W_hn h + b_hn), bias included, as PyTorch documents
    r = [sig(gi[j] + gh[j]) for j in range(H)]
    z = [sig(gi[H + j] + gh[H + j]) for j in range(H)]
    n = [math.tanh(gi[2 * H + j] + r[j] * gh[2 * H + j]) for j in range(H)]
    return [(1 - z[j]) * n[j] + z[j] * h[j] for j in range(H)], None


def forward_scalar(p, cfg, ids, T, B, lengths, h0, c0):
    """Each sequence b alone, truncated to lengths[b], as a packed sequence is. Returns
    (top outputs per b: list over t of D*H values, final h (L*D,B,H), final c)."""
    cell, H, L, D = cfg["cell"], cfg["H"], cfg["L"], 2 if cfg["bi"] else 1
    emb = p["embedding.weight"].tolist()
    hN = np.zeros((L * D, B, H))
    cN = np.zeros((L * D, B, H))
    tops = []
    for b in range(B):
        n = lengths[b]
        xs = [emb[ids[t * B + b]] for t in range(n)]
        for k in range(L):
            outs = [[0.0] * (D * H) for _ in range(n)]
            for d in range(D):
                s = f"{k}" + ("_reverse" if d else "")
                w = [p[name + s].tolist() for name in
                     ("rnn.weight_ih_l", "rnn.weight_hh_l", "rnn.bias_ih_l", "rnn.bias_hh_l")]
                slot = k * D + d
                h, c = list(h0[slot, b]), list(c0[slot, b])
                for t in (range(n) if d == 0 else range(n - 1, -1, -1)):
                    h, c2 = cell_step_scalar(cell, *w, xs[t], h, c)
                    c = c2 if c2 is not None else c
                    outs[t][d * H:(d + 1) * H] = h
                hN[slot, b], cN[slot, b] = h, c
            xs = outs
        tops.append(xs)
    return tops, hN, cN


# ---- reference B: the whole batch at once, numpy matrices, padding masked ------------------------
def forward_batched(p, cfg, ids, T, B, lengths, h0, c0):
    """All B sequences together over T padded steps; a step with t >= lengths[b] keeps the old
    state (mask m). Returns (top output (T, B, D*H), final h, final c)."""
    cell, H, L, D = cfg["cell"], cfg["H"], cfg["L"], 2 if cfg["bi"] else 1
    X = p["embedding.weight"][np.asarray(ids).reshape(T, B)]  # (T, B, E)
    m = (np.arange(T)[:, None] < np.asarray(lengths)[None, :])[:, :, None]  # (T, B, 1)
    hN, cN = h0.copy(), c0.copy()
    for k in range(L):
        Y = np.zeros((T, B, D * H))
        for d in range(D):
            s = f"{k}" + ("_reverse" if d else "")
            Wi, Wh = p["rnn.weight_ih_l" + s], p["rnn.weight_hh_l" + s]
            bi, bh = p["rnn.bias_ih_l" + s], p["rnn.bias_hh_l" + s]
            slot = k * D + d
            h, c = h0[slot].copy(), c0[slot].copy()
            GI = X @ Wi.T + bi  # (T, B, G*H): whole-sequence input projection
            for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
                gh = h @ Wh.T + bh
                gi = GI[t]
                if cell in ("rnn_tanh", "rnn_relu"):
                    a = gi + gh
                    hn, cn = (np.tanh(a) if cell == "rnn_tanh" else np.maximum(a, 0)), c
                elif cell == "lstm":
                    a = gi + gh
                    i, f, g, o = (a[:, q * H:(q + 1) * H] for q in range(4))
                    cn = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
                    hn = 1 / (1 + np.exp(-o)) * np.tanh(cn)
                else:
                    rz = 1 / (1 + np.exp(-(gi[:, :2 * H] + gh[:, :2 * H])))
                    r, z = rz[:, :H], rz[:, H:]
                    nn_ = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
                    hn, cn = (1 - z) * nn_ + z * h, c
                h = np.where(m[t], hn, h)
                c = np.where(m[t], cn, c)
                Y[t, :, d * H:(d + 1) * H] = h
            hN[slot], cN[slot] = h, c
        X = Y
    return X, hN, cN


def log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def head_logits(p, cfg, top, T, B, lengths, hN):
    """lm/tagger: (T*B, out) rows t*B+b, padding rows NaN (not defined, not compared).
    classifier: (B, out) from [h_fwd after lengths[b]-1 ; h_bwd after t=0] of the last layer."""
    W, bias = p["head.weight"], p["head.bias"]
    if cfg["task"] == "classifier":
        D, L = (2 if cfg["bi"] else 1), cfg["L"]
        feat = np.concatenate([hN[(L - 1) * D + d] for d in range(D)], axis=1)  # (B, D*H)
        return feat @ W.T + bias
    rows = np.full((T * B, W.shape[0]), np.nan)
    for b in range(B):
        for t in range(lengths[b]):
            rows[t * B + b] = np.asarray(top[b][t]) @ W.T + bias
    return rows


def self_check(name, p, cfg, ids, T, B, lengths, h0, c0, tops, hN, cN):
    """Reference B must agree with A to 1e-12, and must notice a 1e-6 change in one weight."""
    Y, hB, cB = forward_batched(p, cfg, ids, T, B, lengths, h0, c0)
    A = np.full_like(Y, np.nan)
    for b in range(B):
        A[:lengths[b], b] = np.asarray(tops[b])
    valid = ~np.isnan(A)
    err = max(np.abs(A[valid] - Y[valid]).max(), np.abs(hN - hB).max(), np.abs(cN - cB).max())
    assert err < 1e-12, f"{name}: scalar and batched references differ by {err}"
    q = dict(p)
    last = f"rnn.weight_hh_l{cfg['L'] - 1}"
    q[last] = p[last] + 1e-6
    _, hQ, _ = forward_batched(q, cfg, ids, T, B, lengths, h0, c0)
    assert np.abs(hQ - hN).max() > 1e-12, f"{name}: self-check cannot see a perturbed weight"
    return err


def safetensors_bytes(p, cfg):
    H, L, bi = cfg["H"], cfg["L"], cfg["bi"]
    config = {"task": cfg["task"], "cell": cfg["cell"], "vocab_size": V, "embedding_dim": E,
              "hidden_size": H, "num_layers": L, "bidirectional": bi, "dropout": 0,
              "num_labels": 0 if cfg["task"] == "lm" else NUM_LABELS}
    vocab = [chr(ord("a") + i) for i in range(V)]
    labels = [] if cfg["task"] == "lm" else [f"L{i}" for i in range(NUM_LABELS)]
    compact = dict(separators=(",", ":"), ensure_ascii=False)
    header = {"__metadata__": {"format": "recur", "version": "1",
                               "config": json.dumps(config, **compact),
                               "vocab": json.dumps(vocab, **compact),
                               "labels": json.dumps(labels, **compact)}}
    blobs, off = [], 0
    for name, a in p.items():
        raw = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hb = json.dumps(header, **compact).encode("utf-8")
    hb += b" " * (-len(hb) % 8)  # safetensors pads the header with spaces to 8-byte alignment
    return struct.pack("<Q", len(hb)) + hb + b"".join(blobs)


def flat(a):
    return [float(x) for x in np.asarray(a).ravel()]


def build_case(name, seed, cfg, T, lengths, with_init):
    B, H, L, D = len(lengths), cfg["H"], cfg["L"], 2 if cfg["bi"] else 1
    p, rng = make_model(seed, cfg)
    ids = [int(x) for x in rng.integers(0, V, T * B)]  # padding positions get valid ids too
    h0, c0 = np.zeros((L * D, B, H)), np.zeros((L * D, B, H))
    if with_init:
        h0 = f32(rng.uniform(-0.8, 0.8, (L * D, B, H)))
        if cfg["cell"] == "lstm":
            c0 = f32(rng.uniform(-1.5, 1.5, (L * D, B, H)))
    tops, hN, cN = forward_scalar(p, cfg, ids, T, B, lengths, h0, c0)
    err = self_check(name, p, cfg, ids, T, B, lengths, h0, c0, tops, hN, cN)
    lp = log_softmax(head_logits(p, cfg, tops, T, B, lengths, hN))
    fixture = {"case": name, "steps": T, "batch": B, "lengths": lengths, "ids": ids,
               "log_probs_rows": "lm/tagger: row t*B+b, padding rows (t >= lengths[b]) are 0 and not "
                                 "compared; classifier: row b",
               "log_probs": flat(np.nan_to_num(lp, nan=0.0))}
    if with_init:
        fixture["init_h"] = flat(h0)
        if cfg["cell"] == "lstm":
            fixture["init_c"] = flat(c0)
    fixture["final_h"] = flat(hN)
    if cfg["cell"] == "lstm":
        fixture["final_c"] = flat(cN)
    return safetensors_bytes(p, cfg), json.dumps(fixture, separators=(",", ":")) + "\n", err


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    out = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "golden"))
    os.makedirs(out, exist_ok=True)
    for name, seed, cfg, T, lengths, with_init in CASES:
        st, js, err = build_case(name, seed, cfg, T, lengths, with_init)
        with open(os.path.join(out, name + ".safetensors"), "wb") as f:
            f.write(st)
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            f.write(js)
        print(f"{name:26s} {len(st):5d} + {len(js):5d} bytes, scalar vs batched {err:.1e}")


if __name__ == "__main__":
    main()
