#!/usr/bin/python3
# Jane Austen's six novels as plain text, for the memory probes' English filler (tools/apple/probes.py):
# prose that none of the character LMs or taggers read. Debian's r-cran-janeaustenr (MIT package,
# public-domain text) holds them as R data; this reads that data without R, so the package is
# downloaded and unpacked (apt-get download, dpkg-deb -x), not installed (installing it pulls in R).
# Run: /usr/bin/python3 tools/data/austen.py [OUT]   (OUT defaults to build/data; writes OUT/austen.txt,
#   the novels one after another, paragraphs separated by a blank line, Gutenberg's _italics_ marks dropped;
#   needs the network, as apt-get install does)
#
# The novels are character vectors (one element per printed line, "" between paragraphs) in an R
# lazy-load database: NAME.rdx, a gzip-compressed serialisation of a list whose "variables" element maps
# each object's name to (offset, length) in NAME.rdb, where each object is a 4-byte big-endian length and
# a zlib stream of its own serialisation (R's XDR format 2 or 3). Only the types these files use are read.
import glob
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zlib

from common import output_dir

PACKAGE = "r-cran-janeaustenr"
NOVELS = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion"]


class Unserializer:
    def __init__(self, data):
        self.data, self.pos, self.refs = data, 0, []

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("R data ends early")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def read(self):
        if self.take(2) != b"X\n":
            raise ValueError("not R's XDR serialisation")
        version = self.int()
        self.take(8)  # the writer's and the oldest reader's R versions
        if version == 3:
            self.take(self.int())  # native encoding name
        return self.item()

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind in (242, 254):  # the empty environment, NULL
            return None
        if kind == 255:  # a reference to an earlier symbol
            return self.refs[(flags >> 8 or self.int()) - 1]
        if kind == 1:  # symbol: its name, remembered for later references
            name = self.item()
            self.refs.append(name)
            return name
        if kind == 9:  # one string, in the encoding its flags name (Latin-1, else UTF-8 or ASCII)
            n = self.int()
            return None if n == -1 else self.take(n).decode("latin-1" if flags >> 12 & 4 else "utf-8")
        if kind == 2:  # pairlist (attributes): [(tag, value)]
            out = []
            while kind == 2:
                if has_attr:
                    self.item()
                tag = self.item() if has_tag else None
                out.append((tag, self.item()))
                flags = self.int()
                kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
            if kind != 254:
                raise ValueError(f"R pairlist ends in type {kind}")
            return out
        if kind in (16, 19):  # character vector, list
            value = [self.item() for _ in range(self.int())]
        elif kind in (10, 13):  # logical, integer
            n = self.int()
            value = list(struct.unpack(f">{n}i", self.take(4 * n)))
        elif kind == 14:  # double
            n = self.int()
            value = list(struct.unpack(f">{n}d", self.take(8 * n)))
        else:
            raise ValueError(f"R type {kind} is not read here")
        if has_attr:
            names = dict(self.item()).get("names")
            if names is not None and kind == 19:
                return dict(zip(names, value))
        return value


def novels(library):
    """{name: [line]} from the package's data/Rdata.{rdx,rdb}."""
    base = os.path.join(library, "data", "Rdata")
    with open(base + ".rdx", "rb") as f:
        index = Unserializer(gzip.decompress(f.read())).read()
    if index.get("compressed") != [1]:
        raise ValueError(f"{base}.rdb is not zlib-compressed (compressed = {index.get('compressed')})")
    with open(base + ".rdb", "rb") as f:
        db = f.read()
    out = {}
    for name in NOVELS:
        offset, length = index["variables"][name]
        blob = db[int(offset):int(offset) + int(length)]
        data = zlib.decompress(blob[4:])
        if len(data) != struct.unpack(">I", blob[:4])[0]:
            raise ValueError(f"{base}.rdb: {name} has the wrong length")
        out[name] = Unserializer(data).read()
    return out


def main():
    out_dir = output_dir(__file__, "austen.py [OUT]")
    with tempfile.TemporaryDirectory() as tmp:
        # apt-get's stderr (a notice that it downloads unsandboxed) is shown only if it fails
        r = subprocess.run(["apt-get", "download", "-q", PACKAGE], cwd=tmp, capture_output=True, text=True)
        debs = glob.glob(os.path.join(tmp, f"{PACKAGE}_*.deb"))
        if r.returncode != 0 or len(debs) != 1:
            sys.exit(f"austen.py: apt-get download {PACKAGE} failed (it needs the network and apt's lists):\n"
                     f"{r.stderr.strip()}")
        deb = debs[0]
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(tmp, "x")], check=True)
        version = os.path.basename(deb).split("_")[1]
        library = os.path.join(tmp, "x", "usr", "lib", "R", "site-library", "janeaustenr")
        books = novels(library)
    paragraphs = []
    for name in NOVELS:
        para = []
        for line in books[name] + [""]:
            line = (line or "").replace("_", "").strip()
            if line:
                para.append(line)
            elif para:
                paragraphs.append(" ".join(para))
                para = []
    path = os.path.join(out_dir, "austen.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(paragraphs) + "\n")
    print(f"{path}: {PACKAGE} {version}, {len(paragraphs)} paragraphs, "
          f"{sum(map(len, paragraphs))} characters", file=sys.stderr)


if __name__ == "__main__":
    main()
