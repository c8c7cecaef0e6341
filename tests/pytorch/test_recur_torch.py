"""tools/pytorch/recur_torch.py against the engine: real PyTorch (Debian's python3-torch) computes
every cell x task x direction x depth as the recur CLI does, files cross both ways byte for byte,
half-precision files load, and a model trained in PyTorch generates the same text in recur.
Run by ctest (RECUR_CLI names the CLI) with Debian's /usr/bin/python3, the one torch is built for."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(REPO, "tools", "pytorch"))
import recur_torch as rt  # noqa: E402

CLI = os.environ.get("RECUR_CLI", os.path.join(REPO, "build", "recur"))
TEXT = "the cat sat on the mat; the dog ran.\n"


def cli(*args):
    return subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout


def engine_probs(path, text):
    return torch.tensor(json.loads(cli("probs", "--json", "--model", path, "--text", text))["probs"])


def stored_dtype(path):
    """The dtype of a model file's tensors (all the same in the files recur and save() write)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    (dtype,) = {t["dtype"] for k, t in header.items() if k != "__metadata__"}
    return dtype


def random_model(task, cell, bidirectional, layers, seed, **transformer):
    """Weights drawn wider than PyTorch's default init, so gates saturate and a wrong equation shows.
    A transformer (d 8, feed-forward 12, window 64) takes num_heads, norm_first and activation."""
    torch.manual_seed(seed)
    vocab = rt.vocab_from_text("the cat sat on a mat")   # "d", "g", ";" and "\n" of TEXT become <unk>
    labels = ["O", "fruit", "company"] if task != "lm" else []
    sizes = dict(embedding_dim=5, hidden_size=7)
    if cell == "transformer":
        sizes = dict(embedding_dim=8, hidden_size=8, ff_size=12, max_len=64, **transformer)
    m = rt.RecurModel(task, cell, vocab, labels, num_layers=layers, bidirectional=bidirectional, **sizes)
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0.0, 0.6)
    return m.eval()


class Parity(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def assert_same_probabilities(self, m, name):
        """m's probabilities of TEXT in PyTorch against the CLI's on the file save() writes."""
        f = self.path(f"{name}.safetensors")
        rt.save(m, f)
        want = engine_probs(f, TEXT)
        got = m.probs(TEXT)
        self.assertEqual(tuple(got.shape), tuple(want.shape))
        self.assertLess((got - want).abs().max().item(), 1e-5)

    def test_every_cell_task_direction_and_depth_gives_the_engines_probabilities(self):
        n = 0
        for cell in rt.CELLS[:4]:
            for task in rt.TASKS:
                for bidirectional in (False, True) if task != "lm" else (False,):
                    for layers in (1, 2):
                        with self.subTest(cell=cell, task=task, bidirectional=bidirectional, layers=layers):
                            self.assert_same_probabilities(random_model(task, cell, bidirectional, layers, seed=n), f"m{n}")
                        n += 1
        self.assertEqual(n, 4 * (2 + 4 + 4))  # lm: 1 direction; tagger, classifier: 2

    def test_every_transformer_variant_gives_the_engines_probabilities(self):
        # Causal and not, 1-2 layers, 1-4 heads, post- and pre-norm, ReLU and GELU, every task.
        n = 0
        for task in rt.TASKS:
            for bidirectional in (False, True) if task != "lm" else (False,):
                for layers, heads in ((1, 1), (2, 2), (2, 4), (1, 4)):
                    opts = dict(num_heads=heads, norm_first=n % 2 == 1, activation=("relu", "gelu")[n // 2 % 2])
                    with self.subTest(task=task, bidirectional=bidirectional, layers=layers, **opts):
                        m = random_model(task, "transformer", bidirectional, layers, seed=100 + n, **opts)
                        self.assert_same_probabilities(m, f"t{n}")
                    n += 1
        self.assertEqual(n, 4 * 5)

    def test_a_transformer_reads_at_most_its_context_window(self):
        m = random_model("tagger", "transformer", True, 1, seed=5, num_heads=2)
        f = self.path("w.safetensors")
        rt.save(m, f)
        r = subprocess.run([CLI, "probs", "--json", "--model", f, "--text", "a" * 65], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("context window", r.stderr)
        with self.assertRaises(ValueError):
            m.probs("a" * 65)

    def test_the_classifier_reads_h_n_not_the_last_output(self):
        # For a bidirectional classifier, head(y[-1]) takes the reverse direction after one symbol;
        # recur (and RecurModel) take it after the whole text: the two must differ here.
        m = random_model("classifier", "gru", True, 2, seed=99)
        f = self.path("c.safetensors")
        rt.save(m, f)
        ids = m.encode(TEXT).unsqueeze(1)
        with torch.no_grad():
            y, _ = m.rnn(m.embedding(ids))
            naive = torch.softmax(m.head(y[-1]), dim=-1)
        want = engine_probs(f, TEXT)
        self.assertLess((m.probs(TEXT) - want).abs().max().item(), 1e-5)
        self.assertGreater((naive - want).abs().max().item(), 1e-3)

    def test_files_cross_both_ways_byte_for_byte(self):
        files = sorted(glob.glob(os.path.join(REPO, "tests", "golden", "*.safetensors")))
        files += sorted(glob.glob(os.path.join(REPO, "models", "*", "model.safetensors")))
        self.assertGreater(len(files), 10)
        for f in files:
            with self.subTest(file=os.path.relpath(f, REPO)):
                out = self.path("again.safetensors")
                rt.save(rt.load(f), out, dtype=stored_dtype(f))
                with open(f, "rb") as a, open(out, "rb") as b:
                    self.assertTrue(a.read() == b.read(), "load + save changed the bytes")

    def test_half_precision_files_load_in_the_engine(self):
        m = random_model("tagger", "lstm", True, 2, seed=7)
        rt.save(m, self.path("F32.safetensors"))
        size_f32 = os.path.getsize(self.path("F32.safetensors"))
        for dtype, cast in (("F16", torch.float16), ("BF16", torch.bfloat16)):
            with self.subTest(dtype=dtype):
                f = self.path(f"{dtype}.safetensors")
                rt.save(m, f, dtype=dtype)
                back = rt.load(f)
                for name, p in m.state_dict().items():   # the stored weights are torch's rounding
                    self.assertTrue(torch.equal(back.state_dict()[name], p.to(cast).float()), name)
                self.assertLess((back.probs(TEXT) - engine_probs(f, TEXT)).abs().max().item(), 1e-5)
                self.assertGreater((m.probs(TEXT) - back.probs(TEXT)).abs().max().item(), 0)
                self.assertLess(os.path.getsize(f), 0.6 * size_f32)
                again = self.path(f"{dtype}-cli.safetensors")
                subprocess.run([sys.executable, os.path.join(REPO, "tools", "pytorch", "recur_torch.py"), "--dtype",
                                dtype, self.path("F32.safetensors"), again], check=True)
                with open(f, "rb") as a, open(again, "rb") as b:
                    self.assertTrue(a.read() == b.read(), "the command line wrote other bytes than save()")

    def test_a_model_trained_in_pytorch_generates_the_same_text_in_recur(self):
        for cell in ("lstm", "transformer"):
            with self.subTest(cell=cell):
                self.train_and_generate(cell)

    def train_and_generate(self, cell):
        torch.manual_seed(1)
        text = "the quick brown fox jumps over the lazy dog. " * 30
        sizes = dict(embedding_dim=8, hidden_size=32)
        if cell == "transformer":   # a window shorter than the 80 generated symbols: the restart is compared too
            sizes = dict(embedding_dim=32, hidden_size=32, num_heads=2, ff_size=64, max_len=48)
        m = rt.RecurModel("lm", cell, rt.vocab_from_text(text), num_layers=2, **sizes)
        ids = m.encode(text)
        opt = torch.optim.Adam(m.parameters(), lr=0.01)
        first = None
        for step in range(300):
            starts = torch.randint(0, len(ids) - 33, (16,))
            batch = torch.stack([ids[s:s + 33] for s in starts], dim=1)   # (33, 16), time-major
            logits, _ = m(batch[:-1])
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[1:].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            first = first if first is not None else loss.item()
        self.assertLess(loss.item(), 0.5 * first)   # it learned something worth generating
        m.eval()
        f = self.path(f"trained-{cell}.safetensors")
        rt.save(m, f)
        for prompt in ("the ", "lazy", ""):
            with self.subTest(prompt=prompt):
                want = m.generate_greedy(prompt, 80)
                got = cli("generate", "--model", f, "--prompt", prompt, "--length", "80", "--temperature", "0")
                self.assertEqual(got, prompt + want + "\n")

    def test_the_example_trains_and_exports(self):
        text = self.path("fox.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("the quick brown fox jumps over the lazy dog. " * 20)
        out = self.path("fox.safetensors")
        script = os.path.join(REPO, "examples", "pytorch", "train_char_lm.py")
        subprocess.run([sys.executable, script, "--text", text, "--out", out, "--hidden", "16", "--embed", "4",
                        "--steps", "20", "--seq", "16", "--batch", "4", "--dtype", "F16"],
                       check=True, capture_output=True)
        info = cli("info", "--model", out)
        self.assertRegex(info, r"layers\s+2 x 16 hidden")
        self.assertEqual(len(cli("generate", "--model", out, "--length", "30", "--seed", "1")[:-1]), 30)  # + LF


if __name__ == "__main__":
    unittest.main()
