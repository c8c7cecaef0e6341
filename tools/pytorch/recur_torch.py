"""recur's models in PyTorch: the same forward pass, and the model file read and written exactly.

Train with PyTorch (on GPUs, with DistributedDataParallel, with your own loop), then run the
result anywhere recur runs: the command-line tool, C++, or the browser through the npm package.

    import recur_torch
    model = recur_torch.RecurModel("lm", "lstm", vocab=recur_torch.vocab_from_text(text),
                                   embedding_dim=64, hidden_size=256, num_layers=2)
    ...train model like any nn.Module...
    recur_torch.save(model, "model.safetensors")
    model = recur_torch.load("model.safetensors")      # also files recur wrote

Depends on torch and numpy only (no safetensors package: the format is a JSON header and raw
little-endian data). The forward pass, which recur computes identically:

    ids (T, B)  --embedding-->  x (T, B, E)  --rnn (nn.RNN / nn.LSTM / nn.GRU)-->  y (T, B, D*H)
    lm, tagger:  logits (T, B, out) = head(y): row t predicts the symbol after position t (lm) or
                 labels position t (tagger); softmax over the last dimension.
    classifier:  logits (B, out) = head([h_fwd(T-1); h_bwd(0)]) of the last layer: PyTorch's h_n
                 (forward direction after the last symbol, reverse direction after the first),
                 not head(y[-1]), which differs in its backward half for a bidirectional model.
    The state starts at zero. Before any symbol an lm's distribution is softmax(head.bias)
    (head of the zero state): what generation from an empty prompt samples first.

  cell "transformer" (nn.TransformerEncoder of nn.TransformerEncoderLayer, batch_first, as `encoder`):
    x = embedding(ids) * sqrt(d) + PE,  PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...)
    y = encoder(x, causal mask unless bidirectional);  lm, tagger: head(y)
    classifier: head(y at the last position) if causal, else head(mean of y over positions).
    A text is read in one window of at most max_len symbols. Generation past max_len restarts
    the window from the last max_len // 2 symbols (positions from 0) whenever it is full.
    Text is Unicode code points; a character outside the vocabulary becomes "<unk>" if the
    vocabulary has it, else it is an error.
"""
import json
import struct

import numpy as np
import torch
from torch import nn

TASKS = ("lm", "tagger", "classifier")
CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru", "transformer")
UNK = "<unk>"

# dtype name -> numpy dtype of the raw little-endian words
_DTYPES = {"F32": "<f4", "F16": "<f2", "BF16": "<u2"}


def positional_encoding(n, d):
    """PE (n, d), computed in float64 and rounded to float32 as recur does."""
    pos = torch.arange(n, dtype=torch.float64).unsqueeze(1)
    i = torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos * torch.pow(torch.tensor(10000.0, dtype=torch.float64), -i / d)
    pe = torch.zeros(n, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d // 2])
    return pe.float()


def vocab_from_text(text, with_unk=True):
    """The distinct code points of text sorted by value, "<unk>" first: the table `recur train` builds."""
    symbols = [chr(cp) for cp in sorted({ord(ch) for ch in text})]
    return [UNK] + symbols if with_unk else symbols


class RecurModel(nn.Module):
    """embedding -> nn.RNN / nn.LSTM / nn.GRU (time-major) -> head, with recur's names and layout."""

    def __init__(self, task, cell, vocab, labels=(), embedding_dim=64, hidden_size=256, num_layers=2,
                 bidirectional=False, dropout=0.0, num_heads=4, ff_size=None, max_len=256, norm_first=False,
                 activation="relu"):
        super().__init__()
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {task!r}")
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
        if task == "lm" and bidirectional:
            raise ValueError("an lm must be unidirectional: it predicts the next symbol from the past only")
        if task != "lm" and not labels:
            raise ValueError(f"a {task} needs label names")
        self.task, self.cell = task, cell
        self.vocab, self.labels = list(vocab), list(labels) if task != "lm" else []
        self._ids = {s: i for i, s in enumerate(self.vocab)}
        out = len(self.vocab) if task == "lm" else len(self.labels)
        D = 2 if bidirectional else 1
        self.embedding = nn.Embedding(len(self.vocab), embedding_dim)
        if cell == "transformer":
            if embedding_dim != hidden_size:
                raise ValueError("a transformer needs embedding_dim == hidden_size (d_model)")
            ff_size = 4 * hidden_size if ff_size is None else ff_size   # recur train's default
            layer = nn.TransformerEncoderLayer(hidden_size, num_heads, ff_size, dropout, activation,
                                               batch_first=True, norm_first=norm_first)
            self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
            self.bidirectional, self.max_len, self.dropout = bidirectional, max_len, dropout
            self.num_heads, self.ff_size, self.norm_first, self.activation = num_heads, ff_size, norm_first, activation
            self.register_buffer("pe", positional_encoding(max_len, hidden_size), persistent=False)
            self.head = nn.Linear(hidden_size, out)
            return
        kw = dict(num_layers=num_layers, dropout=dropout, bidirectional=bidirectional)
        if cell == "lstm":
            self.rnn = nn.LSTM(embedding_dim, hidden_size, **kw)
        elif cell == "gru":
            self.rnn = nn.GRU(embedding_dim, hidden_size, **kw)
        else:
            self.rnn = nn.RNN(embedding_dim, hidden_size, nonlinearity=cell[4:], **kw)
        self.head = nn.Linear(D * hidden_size, out)

    def config(self):
        """The config object of the model file's metadata."""
        if self.cell == "transformer":
            d = self.embedding.embedding_dim
            return {"task": self.task, "cell": self.cell, "vocab_size": len(self.vocab), "embedding_dim": d,
                    "hidden_size": d, "num_layers": len(self.encoder.layers), "bidirectional": self.bidirectional,
                    "dropout": float(self.dropout), "num_labels": len(self.labels), "num_heads": self.num_heads,
                    "ff_size": self.ff_size, "max_len": self.max_len, "norm_first": self.norm_first,
                    "activation": self.activation}
        r = self.rnn
        return {"task": self.task, "cell": self.cell, "vocab_size": len(self.vocab),
                "embedding_dim": self.embedding.embedding_dim, "hidden_size": r.hidden_size,
                "num_layers": r.num_layers, "bidirectional": r.bidirectional, "dropout": float(r.dropout),
                "num_labels": len(self.labels)}

    def encode(self, text):
        """Ids of text's code points, a LongTensor (T,)."""
        unk = self._ids.get(UNK)
        ids = []
        for pos, ch in enumerate(text):
            i = self._ids.get(ch, unk)
            if i is None:
                raise ValueError(f"character {ch!r} (U+{ord(ch):04X}) at position {pos} is not in the vocabulary, "
                                 f"which has no {UNK}")
            ids.append(i)
        return torch.tensor(ids, dtype=torch.long)

    def forward(self, ids, state=None):
        """ids (T, B) -> (logits, state): logits (T, B, out) for lm/tagger, (B, out) for a classifier.

        state is the rnn's (h_0, or (h_0, c_0) for LSTM), None for zeros; the returned state is h_n
        (or (h_n, c_n)), so an lm can carry it from one call to the next. A transformer has no state:
        it returns None, and T must be at most max_len."""
        if self.cell == "transformer":
            return self._forward_transformer(ids), None
        y, state_n = self.rnn(self.embedding(ids), state)
        if self.task != "classifier":
            return self.head(y), state_n
        h_n = state_n[0] if self.cell == "lstm" else state_n
        last = h_n[-2:] if self.rnn.bidirectional else h_n[-1:]   # the last layer's directions
        return self.head(torch.cat(list(last), dim=-1)), state_n

    def _forward_transformer(self, ids):
        T, d = ids.shape[0], self.embedding.embedding_dim
        if T > self.max_len:
            raise ValueError(f"{T} symbols do not fit the context window of {self.max_len}")
        x = (self.embedding(ids) * d ** 0.5 + self.pe[:T].unsqueeze(1)).transpose(0, 1)   # (B, T, d)
        mask = None if self.bidirectional else nn.Transformer.generate_square_subsequent_mask(T)
        y = self.encoder(x, mask=mask).transpose(0, 1)                                     # (T, B, d)
        if self.task != "classifier":
            return self.head(y)
        return self.head(y.mean(dim=0) if self.bidirectional else y[-1])

    @torch.no_grad()
    def probs(self, text):
        """What `recur probs --json` prints: (T, out) for lm/tagger, (1, out) for a classifier."""
        logits, _ = self.forward(self.encode(text).unsqueeze(1))
        return torch.softmax(logits.reshape(-1, logits.shape[-1]), dim=-1)

    @torch.no_grad()
    def generate_greedy(self, prompt, length):
        """The argmax continuation of prompt (as `recur generate --temperature 0`), without the prompt."""
        if self.task != "lm":
            raise ValueError("only an lm generates text")
        if self.cell == "transformer":
            return self._generate_greedy_transformer(prompt, length)
        state, logits = None, self.head.bias
        if prompt:
            out, state = self.forward(self.encode(prompt).unsqueeze(1))
            logits = out[-1, 0]
        text = []
        for _ in range(length):
            i = int(torch.argmax(logits))
            text.append(self.vocab[i] if self.vocab[i] != UNK else "\ufffd")
            out, state = self.forward(torch.tensor([[i]]), state)
            logits = out[-1, 0]
        return "".join(text)


    def _generate_greedy_transformer(self, prompt, length):
        context, text = [], []
        for i in self.encode(prompt).tolist():
            context = context[len(context) - self.max_len // 2:] if len(context) == self.max_len else context
            context.append(i)
        for _ in range(length):
            logits = self.forward(torch.tensor([context]).T)[0][-1, 0] if context else self.head.bias
            i = int(torch.argmax(logits))
            text.append(self.vocab[i] if self.vocab[i] != UNK else "\ufffd")
            context = context[len(context) - self.max_len // 2:] if len(context) == self.max_len else context
            context.append(i)
        return "".join(text)


# --- the file ------------------------------------------------------------------------------

def _json(value):
    """JSON exactly as recur writes it: compact, UTF-8 kept, integral numbers without a fraction,
    others as %.17g, control characters as \\uXXXX (upper-case hex) unless they have a short escape."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        v = float(value)
        return str(int(v)) if v.is_integer() and abs(v) <= 2 ** 53 else "%.17g" % v
    if isinstance(value, str):
        short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
        return '"' + "".join(short.get(c, "\\u%04X" % ord(c) if ord(c) < 0x20 else c) for c in value) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return "{" + ",".join(_json(k) + ":" + _json(v) for k, v in value.items()) + "}"


ENCODER_TENSORS = ("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                   "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                   "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")


def _tensor_names(config):
    names = ["embedding.weight"]
    if config["cell"] == "transformer":
        for k in range(config["num_layers"]):
            names += [f"encoder.layers.{k}.{t}" for t in ENCODER_TENSORS]
        return names + ["head.weight", "head.bias"]
    for k in range(config["num_layers"]):
        for suffix in ("", "_reverse") if config["bidirectional"] else ("",):
            names += [f"rnn.{w}_l{k}{suffix}" for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return names + ["head.weight", "head.bias"]


def save(model, path, dtype="F32"):
    """Writes model in recur's format, byte for byte what recur writes for the same F32 weights.
    dtype "F16" or "BF16" stores the weights rounded to half precision (half the bytes; recur
    widens them to float when it loads the file)."""
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {tuple(_DTYPES)}, got {dtype!r}")
    config = model.config()
    config["dropout"] = float(np.float32(config["dropout"]))   # recur keeps it as a float32
    state = model.state_dict()
    header = {"__metadata__": {"format": "recur", "version": "1", "config": _json(config),
                               "vocab": _json(model.vocab), "labels": _json(model.labels)}}
    blobs, offset = [], 0
    for name in _tensor_names(config):
        t = state[name].detach().to("cpu", torch.float32).contiguous()
        if dtype == "F32":
            raw = t.numpy().astype("<f4").tobytes()
        elif dtype == "F16":
            raw = t.numpy().astype("<f2").tobytes()
        else:  # round to nearest even, as torch does
            raw = t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = _json(header).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)   # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load(path):
    """A RecurModel from a model file (recur's or save()'s), in eval mode, weights as float32."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a model file")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: truncated (the header says {n} bytes)")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    if meta.get("format") != "recur" or meta.get("version") != "1":
        raise ValueError(f"{path}: not a recur model file (__metadata__ format/version)")
    c = json.loads(meta["config"])
    extra = {k: c[k] for k in ("num_heads", "ff_size", "max_len", "norm_first", "activation") if k in c}
    model = RecurModel(c["task"], c["cell"], json.loads(meta["vocab"]), json.loads(meta.get("labels", "[]")),
                       c["embedding_dim"], c["hidden_size"], c["num_layers"], c["bidirectional"], c["dropout"],
                       **extra)
    base, tensors = 8 + n, {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        words = np.frombuffer(data[base + begin:base + end], dtype=_DTYPES[info["dtype"]])
        if info["dtype"] == "BF16":   # the top half of a float32
            words = (words.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = torch.from_numpy(words.astype(np.float32).reshape(info["shape"]))
    model.load_state_dict(tensors, strict=True)
    return model.eval()


def main(argv=None):
    """python3 recur_torch.py --dtype DTYPE IN OUT: IN's weights stored as DTYPE in OUT."""
    import argparse
    ap = argparse.ArgumentParser(description="Rewrite a recur model file with its weights stored as DTYPE "
                                             "(F32, or F16 or BF16: half the bytes).")
    ap.add_argument("--dtype", choices=tuple(_DTYPES), required=True)
    ap.add_argument("src", help="a model file (recur's or save()'s)")
    ap.add_argument("dst", help="where to write it")
    a = ap.parse_args(argv)
    save(load(a.src), a.dst, a.dtype)


if __name__ == "__main__":
    main()
