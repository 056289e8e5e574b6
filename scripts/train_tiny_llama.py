#!/usr/bin/env python3
"""Train a tiny Llama-architecture model on tinyshakespeare and export it as GGUF v3.

Everything is in this one file: a byte-level BPE trainer and encoder (GPT-2 style, Llama 3
pre-tokenizer), a Llama model, a training loop, a hand-written GGUF v3 writer and reader,
reference outputs for the Java tests, and a GGUF sanity checker.

Typical GPU run (a few minutes on one H100/H200):

    python3 scripts/train_tiny_llama.py --device cuda
        -> models/src/test/resources/demo-model/{tiny-shakespeare.gguf,
           reference-logits.json, tokenizer-vectors.json}

Tiny CPU smoke test:

    python3 scripts/train_tiny_llama.py --device cpu --vocab-size 512 --dim 64 --layers 2 \
        --heads 4 --kv-heads 2 --ffn 192 --context 64 --batch 8 --steps 30 --out-dir /tmp/tiny

Check a GGUF file:  python3 scripts/train_tiny_llama.py --check FILE.gguf

Conventions another implementation must match (the Java forward pass in particular):
  * RoPE is llama.cpp's "normal" rope (the one the `llama` architecture uses): inside each head
    of size d it rotates ADJACENT pairs (x[2i], x[2i+1]) by angle pos * theta^(-2i/d), positions
    counted from 0 (the BOS token is position 0). The model is trained with exactly this rotation,
    so the Q/K weights are exported as they are, with no permutation. (Hugging Face Llama uses
    the "rotate half" pairing (x[i], x[i+d/2]); its converter permutes Q/K rows to compensate.
    Do not apply such a permutation to this file.)
  * GQA: query head h reads key/value head h // (n_head / n_head_kv) (consecutive query heads
    share one kv head), as ggml's broadcasting does.
  * Linear layers y = W x with W of PyTorch shape (out, in) are stored row-major: GGUF
    ne = [in, out], each output row of `in` values contiguous. token_embd.weight has
    ne = [dim, vocab]: one contiguous row of `dim` values per token. output.weight likewise
    ne = [dim, vocab] (untied).
  * Q rows are head-major: row h*head_dim + j is component j of query head h (same for K, V).
  * RMSNorm: y = x / sqrt(mean(x^2) + eps) * w. Attention scale 1/sqrt(head_dim), causal.
    FFN: w_down(silu(w_gate x) * (w_up x)).
  * Tokenizer: byte-level BPE, GPT-2 byte->unicode mapping for the token strings, Llama 3
    pre-tokenizer regex, merges applied by rank; and, because the file says
    tokenizer.ggml.pre = "llama-bpe", llama.cpp's `ignore_merges` rule: a pre-tokenized word
    that is itself a vocabulary token is emitted as that token without running merges.
    BOS (<|begin_of_text|>) is prepended to every sequence; special tokens are never produced
    by the encoder from text.
"""

import argparse
import collections
import contextlib
import copy
import heapq
import json
import math
import os
import struct
import sys
import time

import numpy as np
import regex
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(REPO_ROOT, "data", "tinyshakespeare.txt")
DEFAULT_OUT = os.path.join(REPO_ROOT, "models", "src", "test", "resources", "demo-model")
MAX_GGUF_BYTES = 15 * 1000 * 1000  # returned through a 16 MB channel and committed

# =============================================================================================
# Tokenizer: byte-level BPE
# =============================================================================================

# The Llama 3 pre-tokenizer (what llama.cpp applies for tokenizer.ggml.pre = "llama-bpe").
LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
BOS_TEXT = "<|begin_of_text|>"
EOS_TEXT = "<|end_of_text|>"


def bytes_to_unicode():
    """GPT-2's reversible map from the 256 byte values to printable unicode characters.

    Printable Latin-1 bytes map to themselves; the rest (controls, space, 0x7f-0xa0, 0xad) map to
    U+0100 upwards in byte order, so a space becomes 'Ġ' and a newline 'Ċ'.
    """
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    table = {}
    extra = 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_TO_UNICODE = bytes_to_unicode()
UNICODE_TO_BYTE = {c: b for b, c in BYTE_TO_UNICODE.items()}


def merge_pair(word, a, b, new):
    """Replace non-overlapping occurrences of (a, b) in `word`, scanning left to right."""
    out = []
    i = 0
    n = len(word)
    while i < n:
        if i + 1 < n and word[i] == a and word[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


class BPETokenizer:
    """Token ids 0..255 are the single bytes (id == byte value); then one id per distinct merged
    byte string, in the order the merges created them; then the special tokens."""

    def __init__(self, token_bytes, merges):
        self.token_bytes = list(token_bytes)           # id -> bytes (BPE tokens only)
        self.merges = list(merges)                     # rank -> (id_a, id_b)
        self.bytes_to_id = {t: i for i, t in enumerate(self.token_bytes)}
        assert len(self.bytes_to_id) == len(self.token_bytes), "token strings must be unique"
        self.rank = {}                                 # (id_a, id_b) -> (rank, merged id)
        for r, (a, b) in enumerate(self.merges):
            self.rank[(a, b)] = (r, self.bytes_to_id[self.token_bytes[a] + self.token_bytes[b]])
        self.bos_id = len(self.token_bytes)
        self.eos_id = self.bos_id + 1
        self.pattern = regex.compile(LLAMA3_PATTERN)
        self._cache = {}

    @property
    def vocab_size(self):
        return len(self.token_bytes) + 2

    # ---- training ---------------------------------------------------------------------------
    @classmethod
    def train(cls, text, vocab_size, log=print):
        """Learn merges until there are vocab_size - 2 BPE tokens (2 ids left for specials).

        Pairs are counted over the distinct pre-tokenized words weighted by their frequency. After
        each merge only the words that contained the pair are rescanned and the pair counts are
        adjusted by the difference (no full recount). A max-heap with lazy deletion picks the most
        frequent pair; ties go to the smallest (id_a, id_b), which keeps training deterministic.
        """
        target = vocab_size - 2
        if target <= 256:
            raise ValueError("vocab_size must exceed 258")
        pattern = regex.compile(LLAMA3_PATTERN)
        counts = collections.Counter(pattern.findall(text))
        words = [list(w.encode("utf-8")) for w in counts]
        freqs = list(counts.values())

        pair_count = collections.defaultdict(int)
        where = collections.defaultdict(set)  # pair -> indices of words that may contain it
        for wi, w in enumerate(words):
            for p in zip(w, w[1:]):
                pair_count[p] += freqs[wi]
                where[p].add(wi)
        heap = [(-c, p) for p, c in pair_count.items()]
        heapq.heapify(heap)

        token_bytes = [bytes([b]) for b in range(256)]
        bytes_to_id = {t: i for i, t in enumerate(token_bytes)}
        merges = []
        merged = {}  # pair -> id it became
        while len(token_bytes) < target:
            best = None
            while heap:
                negc, p = heapq.heappop(heap)
                if pair_count.get(p, 0) == -negc:  # skip stale heap entries
                    best = p
                    break
            if best is None or pair_count[best] < 2:
                log(f"bpe: ran out of pairs at {len(token_bytes)} tokens")
                break
            a, b = best
            if best in merged:
                # The pair reappeared (possible only after a merge reused an existing string);
                # apply the same merge again without recording a duplicate rule.
                new = merged[best]
            else:
                s = token_bytes[a] + token_bytes[b]
                new = bytes_to_id.get(s)
                if new is None:  # a string reached through a different split keeps its one id
                    new = len(token_bytes)
                    token_bytes.append(s)
                    bytes_to_id[s] = new
                merges.append(best)
                merged[best] = new
            changed = set()
            for wi in sorted(where.pop(best, ())):
                w = words[wi]
                nw = merge_pair(w, a, b, new)
                if len(nw) == len(w):
                    continue  # stale index: the word no longer holds the pair
                f = freqs[wi]
                for p in zip(w, w[1:]):
                    pair_count[p] -= f
                    changed.add(p)
                for p in zip(nw, nw[1:]):
                    pair_count[p] += f
                    where[p].add(wi)
                    changed.add(p)
                words[wi] = nw
            for p in sorted(changed):
                c = pair_count[p]
                if c > 0:
                    heapq.heappush(heap, (-c, p))
                else:
                    del pair_count[p]
            if len(merges) % 500 == 0:
                log(f"bpe: {len(merges)} merges, {len(token_bytes)} tokens")
        return cls(token_bytes, merges)

    # ---- encoding ---------------------------------------------------------------------------
    def _encode_word(self, wb):
        # llama.cpp's ignore_merges rule for the llama-bpe pre-tokenizer: whole-word vocab hit.
        hit = self.bytes_to_id.get(wb)
        if hit is not None:
            return [hit]
        return self.apply_merges(wb)

    def apply_merges(self, wb):
        word = list(wb)
        while len(word) > 1:
            # The GPT-2 algorithm: merge the adjacent pair with the lowest rank, everywhere.
            best = None
            for p in zip(word, word[1:]):
                r = self.rank.get(p)
                if r is not None and (best is None or r[0] < best[0][0]):
                    best = (r, p)
            if best is None:
                break
            (_, new), (a, b) = best
            word = merge_pair(word, a, b, new)
        return word

    def encode(self, text):
        """Text -> ids, no BOS, special-token text is treated as ordinary text."""
        ids = []
        for w in self.pattern.findall(text):
            got = self._cache.get(w)
            if got is None:
                got = self._encode_word(w.encode("utf-8"))
                if len(self._cache) < 200_000:
                    self._cache[w] = got
            ids.extend(got)
        return ids

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            if i < len(self.token_bytes):
                out += self.token_bytes[i]
            elif i == self.bos_id:
                out += BOS_TEXT.encode()
            elif i == self.eos_id:
                out += EOS_TEXT.encode()
        return out.decode("utf-8", errors="replace")

    # ---- GGUF form ----------------------------------------------------------------------------
    def token_strings(self):
        """Vocabulary in GPT-2 unicode-mapped form, specials last."""
        toks = ["".join(BYTE_TO_UNICODE[b] for b in t) for t in self.token_bytes]
        return toks + [BOS_TEXT, EOS_TEXT]

    def token_types(self):
        return [1] * len(self.token_bytes) + [3, 3]  # 1 normal, 3 control

    def merge_strings(self):
        toks = self.token_strings()
        return [f"{toks[a]} {toks[b]}" for a, b in self.merges]

    @classmethod
    def from_gguf_vocab(cls, tokens, merges):
        """Rebuild from GGUF strings (used to prove the exported tokenizer is self-consistent)."""
        bpe = [t for t in tokens if t not in (BOS_TEXT, EOS_TEXT)]
        token_bytes = [bytes(UNICODE_TO_BYTE[c] for c in t) for t in bpe]
        sid = {t: i for i, t in enumerate(bpe)}
        pairs = []
        for m in merges:
            a, b = m.split(" ")
            pairs.append((sid[a], sid[b]))
        return cls(token_bytes, pairs)


# =============================================================================================
# Model
# =============================================================================================


class Config:
    def __init__(self, vocab, dim, layers, heads, kv_heads, ffn, context, eps=1e-5, theta=10000.0, dropout=0.0):
        assert dim % heads == 0 and heads % kv_heads == 0
        self.vocab, self.dim, self.layers, self.heads, self.kv_heads = vocab, dim, layers, heads, kv_heads
        self.ffn, self.context, self.eps, self.theta, self.dropout = ffn, context, eps, theta, dropout
        self.head_dim = dim // heads
        assert self.head_dim % 2 == 0

    def as_dict(self):
        return dict(vocab=self.vocab, dim=self.dim, layers=self.layers, heads=self.heads, kv_heads=self.kv_heads,
                    ffn=self.ffn, context=self.context, eps=self.eps, theta=self.theta, head_dim=self.head_dim)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.float()  # normalise in fp32 even under bf16 autocast
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return (y * self.weight.float()).type_as(x)


def rope_tables(head_dim, context, theta):
    """cos/sin of shape (context, head_dim/2): angle[p, i] = p * theta^(-2i/head_dim)."""
    inv = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    ang = torch.arange(context, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin):
    """llama.cpp `llama` (NORM) rope: rotate adjacent pairs (x[2i], x[2i+1]).

    x: (B, H, T, D); cos/sin: (T, D/2).
        out[2i]   = x[2i] * cos - x[2i+1] * sin
        out[2i+1] = x[2i] * sin + x[2i+1] * cos
    """
    xf = x.float()
    x0 = xf[..., 0::2]
    x1 = xf[..., 1::2]
    o0 = x0 * cos - x1 * sin
    o1 = x0 * sin + x1 * cos
    return torch.stack((o0, o1), dim=-1).flatten(-2).type_as(x)


HAVE_SDPA = hasattr(F, "scaled_dot_product_attention")  # torch >= 2.0


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.wq = nn.Linear(c.dim, c.heads * c.head_dim, bias=False)
        self.wk = nn.Linear(c.dim, c.kv_heads * c.head_dim, bias=False)
        self.wv = nn.Linear(c.dim, c.kv_heads * c.head_dim, bias=False)
        self.wo = nn.Linear(c.heads * c.head_dim, c.dim, bias=False)

    def forward(self, x, cos, sin, use_sdpa):
        c = self.c
        B, T, _ = x.shape
        q = self.wq(x).view(B, T, c.heads, c.head_dim).transpose(1, 2)
        k = self.wk(x).view(B, T, c.kv_heads, c.head_dim).transpose(1, 2)
        v = self.wv(x).view(B, T, c.kv_heads, c.head_dim).transpose(1, 2)
        q = apply_rope(q, cos[:T], sin[:T])
        k = apply_rope(k, cos[:T], sin[:T])
        rep = c.heads // c.kv_heads
        if rep > 1:  # kv head j serves query heads j*rep .. j*rep+rep-1
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        p = c.dropout if self.training else 0.0
        if use_sdpa and HAVE_SDPA:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        else:  # explicit math path (torch 1.13, and the fp32 reference computation)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c.head_dim))
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            att = att.masked_fill(~mask, float("-inf")).softmax(-1)
            att = F.dropout(att, p, self.training)
            y = att @ v
        y = y.transpose(1, 2).reshape(B, T, c.heads * c.head_dim)
        return self.wo(y)


class FeedForward(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.w_gate = nn.Linear(c.dim, c.ffn, bias=False)
        self.w_up = nn.Linear(c.dim, c.ffn, bias=False)
        self.w_down = nn.Linear(c.ffn, c.dim, bias=False)

    def forward(self, x):
        return self.w_down(F.silu(self.w_gate(x)) * self.w_up(x))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attn_norm = RMSNorm(c.dim, c.eps)
        self.attn = Attention(c)
        self.ffn_norm = RMSNorm(c.dim, c.eps)
        self.ffn = FeedForward(c)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x, cos, sin, use_sdpa):
        x = x + self.drop(self.attn(self.attn_norm(x), cos, sin, use_sdpa))
        x = x + self.drop(self.ffn(self.ffn_norm(x)))
        return x


class Llama(nn.Module):
    def __init__(self, c, use_sdpa=True):
        super().__init__()
        self.c = c
        self.use_sdpa = use_sdpa
        self.tok_embd = nn.Embedding(c.vocab, c.dim)
        self.layers = nn.ModuleList([Block(c) for _ in range(c.layers)])
        self.output_norm = RMSNorm(c.dim, c.eps)
        self.output = nn.Linear(c.dim, c.vocab, bias=False)  # untied from the embedding
        self.drop = nn.Dropout(c.dropout)
        cos, sin = rope_tables(c.head_dim, c.context, c.theta)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        self._init_weights()

    def _init_weights(self):
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02
                if name.endswith("wo.weight") or name.endswith("w_down.weight"):
                    std = 0.02 / math.sqrt(2 * self.c.layers)  # residual-branch outputs (GPT-2)
                nn.init.normal_(p, mean=0.0, std=std)

    def forward(self, idx):
        assert idx.shape[1] <= self.c.context
        x = self.drop(self.tok_embd(idx))
        for blk in self.layers:
            x = blk(x, self.rope_cos, self.rope_sin, self.use_sdpa)
        return self.output(self.output_norm(x))


def gguf_tensor_map(c):
    """GGUF tensor name -> model state_dict key, in the order the file stores them."""
    m = [("token_embd.weight", "tok_embd.weight")]
    for i in range(c.layers):
        p = f"layers.{i}."
        m += [
            (f"blk.{i}.attn_norm.weight", p + "attn_norm.weight"),
            (f"blk.{i}.attn_q.weight", p + "attn.wq.weight"),
            (f"blk.{i}.attn_k.weight", p + "attn.wk.weight"),
            (f"blk.{i}.attn_v.weight", p + "attn.wv.weight"),
            (f"blk.{i}.attn_output.weight", p + "attn.wo.weight"),
            (f"blk.{i}.ffn_norm.weight", p + "ffn_norm.weight"),
            (f"blk.{i}.ffn_gate.weight", p + "ffn.w_gate.weight"),
            (f"blk.{i}.ffn_up.weight", p + "ffn.w_up.weight"),
            (f"blk.{i}.ffn_down.weight", p + "ffn.w_down.weight"),
        ]
    m += [("output_norm.weight", "output_norm.weight"), ("output.weight", "output.weight")]
    return m


# =============================================================================================
# GGUF v3 writer and reader
# =============================================================================================

# Metadata value type tags.
GGUF_UINT8, GGUF_INT8, GGUF_UINT16, GGUF_INT16, GGUF_UINT32, GGUF_INT32 = 0, 1, 2, 3, 4, 5
GGUF_FLOAT32, GGUF_BOOL, GGUF_STRING, GGUF_ARRAY, GGUF_UINT64, GGUF_INT64, GGUF_FLOAT64 = 6, 7, 8, 9, 10, 11, 12
SCALAR_FMT = {GGUF_UINT8: "<B", GGUF_INT8: "<b", GGUF_UINT16: "<H", GGUF_INT16: "<h", GGUF_UINT32: "<I",
              GGUF_INT32: "<i", GGUF_FLOAT32: "<f", GGUF_BOOL: "<?", GGUF_UINT64: "<Q", GGUF_INT64: "<q",
              GGUF_FLOAT64: "<d"}
# ggml tensor types used here.
GGML_F32, GGML_F16 = 0, 1
GGML_DTYPE = {GGML_F32: np.dtype("<f4"), GGML_F16: np.dtype("<f2")}
ALIGNMENT = 32


def _gguf_str(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def _gguf_value(vtype, value):
    if vtype == GGUF_STRING:
        return _gguf_str(value)
    if vtype == GGUF_ARRAY:
        etype, items = value
        out = [struct.pack("<IQ", etype, len(items))]
        if etype == GGUF_STRING:
            out += [_gguf_str(s) for s in items]
        else:
            out.append(np.asarray(items, dtype=np.dtype(SCALAR_FMT[etype])).tobytes())
        return b"".join(out)
    return struct.pack(SCALAR_FMT[vtype], value)


def write_gguf(path, kvs, tensors):
    """kvs: list of (key, type, value) (arrays: value = (elem_type, list));
    tensors: list of (name, numpy array in its PyTorch shape, ggml type)."""
    header = [b"GGUF", struct.pack("<IQQ", 3, len(tensors), len(kvs))]
    for key, vtype, value in kvs:
        header += [_gguf_str(key), struct.pack("<I", vtype), _gguf_value(vtype, value)]
    infos, blobs, offset = [], [], 0
    for name, arr, gtype in tensors:
        data = np.ascontiguousarray(arr, dtype=GGML_DTYPE[gtype]).tobytes()  # row-major
        ne = list(reversed(arr.shape))  # ggml lists the fastest-varying dimension first
        infos.append(_gguf_str(name) + struct.pack("<I", len(ne)) + struct.pack(f"<{len(ne)}Q", *ne)
                     + struct.pack("<IQ", gtype, offset))
        pad = (-len(data)) % ALIGNMENT
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    head = b"".join(header + infos)
    head += b"\0" * ((-len(head)) % ALIGNMENT)  # tensor data starts aligned
    with open(path, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)
    return len(head) + offset


def read_gguf(path):
    """Parse a GGUF v2/v3 file. Returns (metadata {key: value}, metadata types {key: type},
    tensors {name: (numpy array in row-major PyTorch shape, ggml type)}). F32/F16 only."""
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        vals = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return vals[0] if len(vals) == 1 else vals

    def string():
        nonlocal pos
        n = take("<Q")
        s = buf[pos:pos + n].decode("utf-8")
        pos += n
        return s

    def value(t):
        nonlocal pos
        if t == GGUF_STRING:
            return string()
        if t == GGUF_ARRAY:
            et, n = take("<IQ")
            if et == GGUF_STRING:
                return [string() for _ in range(n)]
            if et == GGUF_ARRAY:
                return [value(GGUF_ARRAY) for _ in range(n)]
            dt = np.dtype(SCALAR_FMT[et])
            arr = np.frombuffer(buf, dtype=dt, count=n, offset=pos)
            pos += n * dt.itemsize
            return arr.tolist()
        return take(SCALAR_FMT[t])

    if buf[:4] != b"GGUF":
        raise ValueError("not a GGUF file")
    pos = 4
    version, n_tensors, n_kv = take("<IQQ")
    if version not in (2, 3):
        raise ValueError(f"unsupported GGUF version {version}")
    meta, types = {}, {}
    for _ in range(n_kv):
        k = string()
        t = take("<I")
        meta[k] = value(t)
        types[k] = t
    infos = []
    for _ in range(n_tensors):
        name = string()
        nd = take("<I")
        ne = [take("<Q") for _ in range(nd)]
        gtype, off = take("<IQ")
        infos.append((name, ne, gtype, off))
    align = meta.get("general.alignment", ALIGNMENT)
    data_start = pos + (-pos) % align
    tensors = {}
    for name, ne, gtype, off in infos:
        if gtype not in GGML_DTYPE:
            tensors[name] = (None, gtype)  # quantised types are not needed here
            continue
        count = int(np.prod(ne))
        arr = np.frombuffer(buf, dtype=GGML_DTYPE[gtype], count=count, offset=data_start + off)
        tensors[name] = (arr.reshape(list(reversed(ne))), gtype)
    return meta, types, tensors


def build_gguf_kvs(c, tok, name):
    toks = tok.token_strings()
    return [
        ("general.architecture", GGUF_STRING, "llama"),
        ("general.name", GGUF_STRING, name),
        ("general.alignment", GGUF_UINT32, ALIGNMENT),
        ("general.file_type", GGUF_UINT32, 1),  # mostly F16
        ("llama.vocab_size", GGUF_UINT32, c.vocab),
        ("llama.context_length", GGUF_UINT32, c.context),
        ("llama.embedding_length", GGUF_UINT32, c.dim),
        ("llama.block_count", GGUF_UINT32, c.layers),
        ("llama.feed_forward_length", GGUF_UINT32, c.ffn),
        ("llama.attention.head_count", GGUF_UINT32, c.heads),
        ("llama.attention.head_count_kv", GGUF_UINT32, c.kv_heads),
        ("llama.attention.layer_norm_rms_epsilon", GGUF_FLOAT32, c.eps),
        ("llama.rope.freq_base", GGUF_FLOAT32, c.theta),
        ("llama.rope.dimension_count", GGUF_UINT32, c.head_dim),
        ("tokenizer.ggml.model", GGUF_STRING, "gpt2"),
        ("tokenizer.ggml.pre", GGUF_STRING, "llama-bpe"),
        ("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, toks)),
        ("tokenizer.ggml.token_type", GGUF_ARRAY, (GGUF_INT32, tok.token_types())),
        ("tokenizer.ggml.merges", GGUF_ARRAY, (GGUF_STRING, tok.merge_strings())),
        ("tokenizer.ggml.bos_token_id", GGUF_UINT32, tok.bos_id),
        ("tokenizer.ggml.eos_token_id", GGUF_UINT32, tok.eos_id),
        ("tokenizer.ggml.add_bos_token", GGUF_BOOL, True),
    ]


def export_gguf(path, model, tok, name):
    c = model.c
    sd = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    tensors = []
    for gname, key in gguf_tensor_map(c):
        arr = sd[key]
        tensors.append((gname, arr, GGML_F16 if arr.ndim == 2 else GGML_F32))  # norms stay F32
    return write_gguf(path, build_gguf_kvs(c, tok, name), tensors)


def estimate_gguf_bytes(c, tok_bytes_guess=0):
    mats = c.vocab * c.dim * 2 + c.layers * (c.dim * c.head_dim * (c.heads * 2 + c.kv_heads * 2) + 3 * c.dim * c.ffn)
    vecs = (2 * c.layers + 1) * c.dim
    return mats * 2 + vecs * 4 + tok_bytes_guess


def model_from_gguf(path):
    """Float32 CPU model whose weights come only from the GGUF file (F16 widened to F32)."""
    meta, _, tensors = read_gguf(path)
    a = meta["general.architecture"]
    c = Config(vocab=len(meta["tokenizer.ggml.tokens"]), dim=meta[f"{a}.embedding_length"],
               layers=meta[f"{a}.block_count"], heads=meta[f"{a}.attention.head_count"],
               kv_heads=meta[f"{a}.attention.head_count_kv"], ffn=meta[f"{a}.feed_forward_length"],
               context=meta[f"{a}.context_length"], eps=meta[f"{a}.attention.layer_norm_rms_epsilon"],
               theta=meta[f"{a}.rope.freq_base"])
    model = Llama(c, use_sdpa=False)
    sd = {}
    for gname, key in gguf_tensor_map(c):
        arr, _ = tensors[gname]
        sd[key] = torch.from_numpy(arr.astype(np.float32))
    model.load_state_dict(sd, strict=True)
    model.eval()
    tok = BPETokenizer.from_gguf_vocab(meta["tokenizer.ggml.tokens"], meta["tokenizer.ggml.merges"])
    assert tok.bos_id == meta["tokenizer.ggml.bos_token_id"] and tok.eos_id == meta["tokenizer.ggml.eos_token_id"]
    return model, tok, meta


# =============================================================================================
# Independent GGUF sanity checker (--check)
# =============================================================================================


def check_gguf(path, out=print):
    """Walk the file with its own minimal parser (not read_gguf), print metadata and tensor shapes,
    and check the invariants a loader relies on. Returns a list of problems (empty when sound)."""
    problems = []
    data = memoryview(open(path, "rb").read())
    cur = [0]

    def rd(fmt):
        v = struct.unpack_from(fmt, data, cur[0])
        cur[0] += struct.calcsize(fmt)
        return v[0]

    def rs():
        n = rd("<Q")
        s = bytes(data[cur[0]:cur[0] + n]).decode("utf-8")
        cur[0] += n
        return s

    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
    fmts = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<B", 10: "<Q", 11: "<q", 12: "<d"}
    tname = {0: "u8", 1: "i8", 2: "u16", 3: "i16", 4: "u32", 5: "i32", 6: "f32", 7: "bool", 8: "str",
             9: "arr", 10: "u64", 11: "i64", 12: "f64"}

    def rv(t):
        if t == 8:
            return rs()
        if t == 9:
            et = rd("<I")
            n = rd("<Q")
            if et == 8:
                return ("array", et, [rs() for _ in range(n)])
            vals = [rd(fmts[et]) for _ in range(n)]
            return ("array", et, vals)
        return rd(fmts[t])

    if bytes(data[:4]) != b"GGUF":
        return ["bad magic"]
    cur[0] = 4
    version = rd("<I")
    nt = rd("<Q")
    nkv = rd("<Q")
    out(f"{path}: GGUF v{version}, {nt} tensors, {nkv} metadata keys, {len(data)} bytes")
    if version != 3:
        problems.append(f"version {version} != 3")
    meta = {}
    for _ in range(nkv):
        k = rs()
        t = rd("<I")
        v = rv(t)
        meta[k] = v
        if isinstance(v, tuple):
            items = v[2]
            shown = ", ".join(repr(x) for x in items[:6])
            out(f"  {k:45s} {tname[t]}[{tname[v[1]]}] x{len(items)}: {shown}{', ...' if len(items) > 6 else ''}")
        else:
            out(f"  {k:45s} {tname[t]} = {v!r}")
    infos = []
    for _ in range(nt):
        name = rs()
        nd = rd("<I")
        ne = [rd("<Q") for _ in range(nd)]
        gt = rd("<I")
        off = rd("<Q")
        infos.append((name, ne, gt, off))
    align = meta.get("general.alignment", 32)
    start = cur[0] + (-cur[0]) % align
    bpe = {0: 4, 1: 2}
    end_prev = 0
    for name, ne, gt, off in infos:
        n = 1
        for d in ne:
            n *= d
        nbytes = n * bpe[gt] if gt in bpe else None
        out(f"  tensor {name:28s} ne={ne} type={gt} offset={off}" + (f" bytes={nbytes}" if nbytes else ""))
        if off % align:
            problems.append(f"{name}: offset {off} not aligned to {align}")
        if off < end_prev:
            problems.append(f"{name}: overlaps the previous tensor")
        if nbytes is not None:
            end_prev = off + nbytes
            if start + end_prev > len(data):
                problems.append(f"{name}: runs past the end of the file")
    # Llama-specific consistency.
    arch = meta.get("general.architecture")
    if arch == "llama":
        g = lambda k: meta.get(f"llama.{k}")
        dim, nl, nh, nkvh, ff = g("embedding_length"), g("block_count"), g("attention.head_count"), \
            g("attention.head_count_kv"), g("feed_forward_length")
        toks = meta.get("tokenizer.ggml.tokens")
        nvocab = len(toks[2]) if toks else None
        if g("vocab_size") is not None and g("vocab_size") != nvocab:
            problems.append(f"llama.vocab_size {g('vocab_size')} != {nvocab} tokens")
        types = meta.get("tokenizer.ggml.token_type")
        if types and len(types[2]) != nvocab:
            problems.append("token_type length differs from tokens")
        if toks and len(set(toks[2])) != nvocab:
            problems.append("duplicate token strings")
        merges = meta.get("tokenizer.ggml.merges")
        if merges and toks:
            tset = set(toks[2])
            for m in merges[2]:
                a, _, b = m.partition(" ")
                if a not in tset or b not in tset or a + b not in tset:
                    problems.append(f"merge {m!r} refers to a missing token")
                    break
        hd = dim // nh
        if g("rope.dimension_count") not in (None, hd):
            problems.append("rope.dimension_count != head dim")
        want = {"token_embd.weight": [dim, nvocab], "output_norm.weight": [dim], "output.weight": [dim, nvocab]}
        for i in range(nl):
            want.update({f"blk.{i}.attn_norm.weight": [dim], f"blk.{i}.attn_q.weight": [dim, nh * hd],
                         f"blk.{i}.attn_k.weight": [dim, nkvh * hd], f"blk.{i}.attn_v.weight": [dim, nkvh * hd],
                         f"blk.{i}.attn_output.weight": [nh * hd, dim], f"blk.{i}.ffn_norm.weight": [dim],
                         f"blk.{i}.ffn_gate.weight": [dim, ff], f"blk.{i}.ffn_up.weight": [dim, ff],
                         f"blk.{i}.ffn_down.weight": [ff, dim]})
        have = {name: ne for name, ne, _, _ in infos}
        for k, ne in want.items():
            if k == "output.weight" and k not in have:
                continue  # tied models omit it
            if have.get(k) != ne:
                problems.append(f"{k}: ne {have.get(k)} expected {ne}")
    out("OK" if not problems else "PROBLEMS:\n  " + "\n  ".join(problems))
    return problems


# =============================================================================================
# Training
# =============================================================================================


def lr_at(step, a):
    """Linear warm-up, then cosine decay to min_lr at a.steps."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    t = min(1.0, (step - a.warmup) / max(1, a.steps - a.warmup))
    return a.min_lr + 0.5 * (a.lr - a.min_lr) * (1.0 + math.cos(math.pi * t))


def make_batch(data, bos, batch, ctx, gen, device):
    """Random windows; each row is BOS + ctx-1 corpus tokens, target is the next ctx tokens.

    Starting every window with BOS matches inference, where a prompt always follows BOS."""
    ix = torch.randint(0, len(data) - ctx, (batch,), generator=gen)
    y = torch.stack([data[i:i + ctx] for i in ix.tolist()])
    x = torch.cat([torch.full((batch, 1), bos, dtype=torch.long), y[:, :-1]], dim=1)
    return x.to(device, non_blocking=True), y.to(device, non_blocking=True)


def autocast_ctx(device):
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


@torch.no_grad()
def estimate_loss(model, splits, bos, a, device):
    model.eval()
    res = {}
    for name, data in splits.items():
        gen = torch.Generator().manual_seed(1234)  # the same eval windows every time
        losses = []
        for _ in range(a.eval_iters):
            x, y = make_batch(data, bos, a.batch, a.context, gen, device)
            with autocast_ctx(device):
                logits = model(x)
            losses.append(F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1)).item())
        res[name] = sum(losses) / len(losses)
    model.train()
    return res


@torch.no_grad()
def full_val_loss(model, data, bos, ctx, device, batch=32):
    """Mean loss per token over consecutive non-overlapping windows covering the split."""
    model.eval()
    n = (len(data) - 1) // ctx
    tot, cnt = 0.0, 0
    for s in range(0, n, batch):
        ys = torch.stack([data[i * ctx:(i + 1) * ctx] for i in range(s, min(n, s + batch))])
        xs = torch.cat([torch.full((ys.size(0), 1), bos, dtype=torch.long), ys[:, :-1]], dim=1)
        with autocast_ctx(device):
            logits = model(xs.to(device))
        tot += F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), ys.to(device).reshape(-1),
                               reduction="sum").item()
        cnt += ys.numel()
    model.train()
    return tot / max(1, cnt), cnt


@torch.no_grad()
def generate(model, ids, n, device, temperature=0.8, top_k=40, seed=0):
    model.eval()
    gen = torch.Generator(device=device).manual_seed(seed)
    x = torch.tensor([ids], dtype=torch.long, device=device)
    for _ in range(n):
        xc = x[:, -model.c.context:]
        with autocast_ctx(device):
            logits = model(xc)[0, -1].float() / temperature
        v, _ = torch.topk(logits, top_k)
        logits[logits < v[-1]] = -float("inf")
        nxt = torch.multinomial(logits.softmax(-1), 1, generator=gen)
        x = torch.cat([x, nxt[None]], dim=1)
    return x[0].tolist()


@torch.no_grad()
def greedy(model, ids, n):
    """Greedy continuation by full recomputation (no KV cache); argmax ties -> lowest id."""
    ids = list(ids)
    out = []
    for _ in range(n):
        logits = model(torch.tensor([ids[-model.c.context:]]))[0, -1]
        nxt = int(torch.argmax(logits).item())
        out.append(nxt)
        ids.append(nxt)
    return out


# =============================================================================================
# Reference outputs
# =============================================================================================

REFERENCE_PROMPTS = [
    "ROMEO:",
    "First Citizen:\nBefore we proceed",
    "To be, or not to be",
    "KING RICHARD III:\nNow is the winter of our discontent,\nMade glorious summer -- by this sun of York!\n",
]

TOKENIZER_STRINGS = [
    "", " ", "  ", "\n", "\n\n", "\t", " \n ", "Hello world", "hello   \n world", "ROMEO:",
    "First Citizen:\nBefore we proceed any further, hear me speak.",
    "To be, or not to be: that is the question.",
    "O Romeo, Romeo! wherefore art thou Romeo?", "KING HENRY VI:", "   leading spaces",
    "trailing spaces   ", "tabs\tand\ttabs", "a  b   c    d", "numbers 1 12 123 1234 12345",
    "3.14159 and 2,718", "don't I'll we've they're he'd she's I'm", "DON'T SHOUT, I'LL GO", "!!!???...---",
    "mixed\r\nline endings\r\n", "word\n\n\nword", "  \n  \n", "café naïve façade", "Ünïcödé",
    "日本語のテキスト", "emoji 🙂👍", "non\u00a0breaking\u3000space", "<|begin_of_text|>",
    "aaaaaaaaaaaaaaaaaaaaaaaa", "thou'rt", "'tis",
]


def to_f32_list(t):
    # 9 significant digits round-trip any float32 exactly, with shorter JSON.
    return [float(f"{v:.9g}") for v in t.float().tolist()]


def write_references(out_dir, gguf_path, trained_model, args, stats, log=print):
    ref, tok, meta = model_from_gguf(gguf_path)
    c = ref.c

    # The weights must be those of the trained model rounded to F16 (norms kept F32).
    rounded = Llama(c, use_sdpa=False)
    sd = {k: v.detach().float().cpu() for k, v in trained_model.state_dict().items()}
    plain = Llama(c, use_sdpa=False)
    plain.load_state_dict(sd)
    plain.eval()
    rounded.load_state_dict({k: (v.half().float() if v.dim() == 2 else v) for k, v in sd.items()})
    rounded.eval()

    prompts = []
    max_exact, max_vs_unrounded = 0.0, 0.0
    with torch.no_grad():
        for i, p in enumerate(REFERENCE_PROMPTS):
            # Keep prompt + continuation inside the context window (matters only for toy configs).
            ids = ([tok.bos_id] + tok.encode(p))[:c.context - 1]
            x = torch.tensor([ids])
            logits = ref(x)[0]
            max_exact = max(max_exact, (logits - rounded(x)[0]).abs().max().item())
            max_vs_unrounded = max(max_vs_unrounded, (logits - plain(x)[0]).abs().max().item())
            g = greedy(ref, ids, min(32, c.context - len(ids)))
            top = torch.topk(logits[-1], 5)
            entry = {
                "prompt": p,
                "ids": ids,
                "tokens": [tok.token_strings()[t] for t in ids],
                "last_logits": to_f32_list(logits[-1]),
                "last_top5": [[int(t), float(f"{v:.6g}")] for v, t in zip(top.values.tolist(), top.indices.tolist())],
                "greedy_ids": g,
                "greedy_text": tok.decode(g),
            }
            if i == 0:
                entry["all_logits"] = [to_f32_list(row) for row in logits]
            prompts.append(entry)
            log(f"reference {p!r}: {len(ids)} ids, greedy -> {tok.decode(g)!r}")
    log(f"reloaded-from-GGUF vs trained model with F16-rounded matrices: max |diff| = {max_exact:.3g}")
    log(f"reloaded-from-GGUF vs trained fp32 model (F16 rounding effect): max |diff| = {max_vs_unrounded:.3g}")
    if max_exact > 1e-4:
        raise SystemExit("GGUF round trip does not reproduce the trained model")

    ref_json = {
        "description": "Reference outputs of the model in the GGUF file, computed in float32 on CPU from weights "
                       "read back from that file (F16 widened to F32). Ids include BOS. last_logits: logits at "
                       "the last prompt position; all_logits (first prompt only): every position. greedy_ids: 32 "
                       "tokens (fewer only if the context is shorter), argmax each step with full recomputation, ties to the lowest id.",
        "gguf": os.path.basename(gguf_path),
        "config": c.as_dict(),
        "rope": "llama.cpp NORM rope: adjacent pairs (x[2i], x[2i+1]) rotated by pos*theta^(-2i/head_dim), pos from 0",
        "bos_id": tok.bos_id,
        "eos_id": tok.eos_id,
        "training": stats,
        "prompts": prompts,
    }
    with open(os.path.join(out_dir, args.ref_name), "w") as f:
        json.dump(ref_json, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")

    vectors = []
    for s in TOKENIZER_STRINGS:
        ids = tok.encode(s)
        assert tok.decode(ids) == s, s
        vectors.append({"text": s, "ids": ids, "tokens": [tok.token_strings()[t] for t in ids]})
    tv = {
        "description": "Encoder test vectors: ids WITHOUT BOS, text encoded literally (no special-token parsing). "
                       "Pre-tokenizer: Llama 3 regex (Python `regex` semantics of \\s, \\p{L}, \\p{N}); merges by "
                       "rank; a whole pre-tokenized word that is a vocab token is emitted directly (llama.cpp "
                       "ignore_merges for tokenizer.ggml.pre = llama-bpe).",
        "gguf": os.path.basename(gguf_path),
        "bos_id": tok.bos_id,
        "vocab_size": tok.vocab_size,
        "vectors": vectors,
    }
    with open(os.path.join(out_dir, args.vectors_name), "w") as f:
        json.dump(tv, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return max_exact, max_vs_unrounded


# =============================================================================================
# Main
# =============================================================================================


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", metavar="FILE", help="only sanity-check a GGUF file and exit")
    p.add_argument("--data", default=DEFAULT_DATA)
    p.add_argument("--out-dir", default=DEFAULT_OUT)
    p.add_argument("--gguf-name", default="tiny-shakespeare.gguf")
    p.add_argument("--ref-name", default="reference-logits.json")
    p.add_argument("--vectors-name", default="tokenizer-vectors.json")
    p.add_argument("--name", default="tiny-shakespeare", help="general.name")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--seed", type=int, default=1337)
    # tokenizer and model
    p.add_argument("--vocab-size", type=int, default=2048, help="total, including the 2 special tokens")
    p.add_argument("--dim", type=int, default=256)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--kv-heads", type=int, default=4)
    p.add_argument("--ffn", type=int, default=768)
    p.add_argument("--context", type=int, default=256)
    p.add_argument("--eps", type=float, default=1e-5)
    p.add_argument("--theta", type=float, default=10000.0)
    p.add_argument("--dropout", type=float, default=0.2)
    # training
    # The corpus is small (~318k training tokens at vocab 2048): this model reaches its best
    # validation loss after ~500-700 steps and overfits after that, so the default schedule is short
    # (about 30 s on one H100) and the weights of the best evaluation are the ones exported.
    p.add_argument("--steps", type=int, default=800)
    p.add_argument("--max-minutes", type=float, default=4.0, help="wall-clock budget for the training loop")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--min-lr", type=float, default=5e-5)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--eval-every", type=int, default=50)
    p.add_argument("--eval-iters", type=int, default=20)
    p.add_argument("--compile", action="store_true", help="torch.compile the model (torch >= 2)")
    p.add_argument("--sample-tokens", type=int, default=200)
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    if a.check:
        sys.exit(1 if check_gguf(a.check) else 0)

    t_start = time.time()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    if a.device == "auto":
        a.device = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(a.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(a.out_dir, exist_ok=True)
    print(f"torch {torch.__version__}, device {device}" + (f" ({torch.cuda.get_device_name()})" if device.type == "cuda" else ""))

    # ---- data and tokenizer: learnt on the training 90% only ------------------------------------
    with open(a.data, encoding="utf-8") as f:
        text = f.read()
    cut = text.rfind("\n", 0, int(len(text) * 0.9)) + 1  # split at a line boundary
    train_text, val_text = text[:cut], text[cut:]
    t0 = time.time()
    tok = BPETokenizer.train(train_text, a.vocab_size)
    print(f"bpe: {len(tok.merges)} merges, vocab {tok.vocab_size} (incl. 2 specials) in {time.time() - t0:.1f}s")
    t0 = time.time()
    train_ids = tok.encode(train_text)
    val_ids = tok.encode(val_text)
    assert tok.decode(train_ids) == train_text and tok.decode(val_ids) == val_text, "encode/decode round trip failed"
    # The ignore_merges shortcut only matters for tokens that merges alone would split differently.
    differ = sum(1 for i, t in enumerate(tok.token_bytes) if tok.apply_merges(t) != [i])
    print(f"encode: {len(train_ids)} train / {len(val_ids)} val tokens "
          f"({len(text) / (len(train_ids) + len(val_ids)):.2f} chars/token) in {time.time() - t0:.1f}s; "
          f"tokens that merges alone would not rebuild (ignore_merges matters): {differ}")
    train_data = torch.tensor(train_ids, dtype=torch.long)
    val_data = torch.tensor(val_ids, dtype=torch.long)

    # ---- model --------------------------------------------------------------------------------
    c = Config(tok.vocab_size, a.dim, a.layers, a.heads, a.kv_heads, a.ffn, a.context, a.eps, a.theta, a.dropout)
    model = Llama(c).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    est = estimate_gguf_bytes(c, tok_bytes_guess=sum(len(s) + 8 for s in tok.token_strings() + tok.merge_strings()))
    print(f"model: {n_params / 1e6:.2f}M parameters, estimated GGUF size {est / 1e6:.2f} MB")
    if est > MAX_GGUF_BYTES:
        raise SystemExit(f"estimated GGUF size {est} exceeds {MAX_GGUF_BYTES} bytes; shrink the model")

    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    opt_kw = dict(lr=a.lr, betas=(0.9, 0.95), eps=1e-8)
    if device.type == "cuda" and int(torch.__version__.split(".")[0]) >= 2:
        opt_kw["fused"] = True
    opt = torch.optim.AdamW(groups, **opt_kw)
    fwd = model
    if a.compile and hasattr(torch, "compile"):
        fwd = torch.compile(model)

    # ---- training loop ------------------------------------------------------------------------
    gen = torch.Generator().manual_seed(a.seed)
    budget = a.max_minutes * 60.0
    best = (float("inf"), -1, None)
    history = []
    t_train = time.time()
    step = 0
    stopped_by = "steps"
    model.train()
    while step < a.steps:
        if time.time() - t_train > budget:
            stopped_by = "time budget"
            break
        if step % a.eval_every == 0:
            l = estimate_loss(model, {"train": train_data, "val": val_data}, tok.bos_id, a, device)
            history.append((step, l["train"], l["val"]))
            print(f"step {step:5d}  train {l['train']:.4f}  val {l['val']:.4f}  lr {lr_at(step, a):.2e}  "
                  f"{time.time() - t_train:6.1f}s", flush=True)
            if l["val"] < best[0]:
                best = (l["val"], step, copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()}))
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a)
        x, y = make_batch(train_data, tok.bos_id, a.batch, a.context, gen, device)
        with autocast_ctx(device):
            logits = fwd(x)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if a.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.grad_clip)
        opt.step()
        step += 1
    train_secs = time.time() - t_train
    l = estimate_loss(model, {"train": train_data, "val": val_data}, tok.bos_id, a, device)
    history.append((step, l["train"], l["val"]))
    print(f"step {step:5d}  train {l['train']:.4f}  val {l['val']:.4f}  (end: {stopped_by}, {train_secs:.1f}s)")
    if l["val"] < best[0]:
        best = (l["val"], step, {k: v.detach().cpu() for k, v in model.state_dict().items()})
    print(f"keeping the weights of step {best[1]} (val {best[0]:.4f})")
    model.load_state_dict(best[2])
    model.eval()

    val_loss, val_tokens = full_val_loss(model, val_data, tok.bos_id, a.context, device)
    covered_chars = len(tok.decode(val_ids[:val_tokens]))
    nats_per_char = val_loss * val_tokens / covered_chars
    print(f"full validation: {val_loss:.4f} nats/token over {val_tokens} tokens = {nats_per_char:.4f} nats/char "
          f"({nats_per_char / math.log(2):.3f} bits/char)")

    prompt = [tok.bos_id] + tok.encode("ROMEO:")
    sample = generate(model, prompt, a.sample_tokens, device, seed=a.seed)
    print("---- sample (temperature 0.8, top-k 40) ----")
    print(tok.decode(sample[1:]))
    print("--------------------------------------------")

    # ---- export and references ----------------------------------------------------------------
    model = model.float().cpu()
    gguf_path = os.path.join(a.out_dir, a.gguf_name)
    size = export_gguf(gguf_path, model, tok, a.name)
    print(f"wrote {gguf_path}: {size} bytes ({size / 1e6:.2f} MB)")
    if size > MAX_GGUF_BYTES:
        raise SystemExit(f"GGUF is {size} bytes, over the {MAX_GGUF_BYTES} limit")
    if check_gguf(gguf_path, out=lambda s: None):
        check_gguf(gguf_path)
        raise SystemExit("GGUF check failed")
    stats = {"steps": step, "best_step": best[1], "stopped_by": stopped_by, "train_seconds": round(train_secs, 1),
             "val_loss_per_token": round(val_loss, 4), "val_nats_per_char": round(nats_per_char, 4),
             "params": n_params, "seed": a.seed, "history": [[s, round(t, 4), round(v, 4)] for s, t, v in history]}
    write_references(a.out_dir, gguf_path, model, a, stats)
    print(f"wrote {a.ref_name} and {a.vectors_name} in {a.out_dir}; total {time.time() - t_start:.0f}s")


if __name__ == "__main__":
    main()
