# What the corpus scripts of tools/data share: where they may write, and the hash that picks an
# entry's split. Standard library only.
import hashlib
import os
import sys

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def output_dir(script, usage):
    """The output directory from argv (default build/data), created; never inside the source tree
    except under build/."""
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "build/data"
    if len(sys.argv) > 2 or out_dir in ("-h", "--help"):
        sys.exit(f"usage: {usage}")
    real_out = os.path.realpath(out_dir)
    build = os.path.join(REPO, "build")
    if real_out.startswith(REPO + os.sep) and not real_out.startswith(build + os.sep) and real_out != build:
        sys.exit(f"{script}: refusing to write data into the source tree ({out_dir}); use build/...")
    os.makedirs(out_dir, exist_ok=True)
    return out_dir


def digest(salt, entry):
    """SHA-256 of salt + entry: its first 8 bytes, big-endian, mod 100 pick the split."""
    return hashlib.sha256((salt + entry).encode("utf-8")).digest()


def percentile(d):
    return int.from_bytes(d[:8], "big") % 100


def split_of(d, train, val):
    """train, val or test for a digest: percentile below train, below val, else test."""
    u = percentile(d)
    return "train" if u < train else "val" if u < val else "test"
