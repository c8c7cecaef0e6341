// A model file with its F32 tensors stored as F16 (IEEE binary16): half the bytes for the page to
// download. The engine's loader widens F16 back to F32 exactly, so the only change is the rounding
// here (to nearest, ties to even). Used by prepare-models.mjs; Node or browser, no dependencies.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of x rounded to nearest, ties to even; throws if a finite x is beyond ±65504. */
export function toHalfBits(x) {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);  // infinity, NaN
  const e = exp - 127 + 15;  // the exponent with binary16's bias
  let h, rem, halfway;
  if (e <= 0) {  // a binary16 subnormal (or zero): h × 2^-24
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    h = mant >>> shift;
    rem = mant & ((1 << shift) - 1);
    halfway = 1 << (shift - 1);
  } else {
    h = (e << 10) | (mant >>> 13);
    rem = mant & 0x1fff;
    halfway = 0x1000;
  }
  if (rem > halfway || (rem === halfway && (h & 1))) h += 1;  // a carry into the exponent is right
  if (h >= 0x7c00) throw new RangeError(`${x} is beyond the largest binary16 value, 65504`);
  return sign | h;
}

/**
 * The same safetensors file with every F32 tensor stored as F16, other tensors and the metadata
 * unchanged; the header keeps its key order and is padded with spaces to a multiple of 8 bytes.
 * bytes: a Uint8Array of the whole file. Throws on a malformed file or a weight beyond ±65504.
 */
export function halveWeights(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (!(n > 1 && 8 + n <= bytes.length)) throw new Error(`bad header length ${n}`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const data = bytes.subarray(8 + n);
  const names = Object.keys(header).filter((k) => k !== '__metadata__')
    .sort((a, b) => header[a].data_offsets[0] - header[b].data_offsets[0]);
  const parts = [];
  let at = 0;
  for (const name of names) {
    const t = header[name];
    const [begin, end] = t.data_offsets;
    let part = data.subarray(begin, end);
    if (t.dtype === 'F32') {
      const src = new DataView(part.buffer, part.byteOffset, part.byteLength);
      const out = new Uint8Array(part.byteLength / 2);
      const dst = new DataView(out.buffer);
      for (let i = 0; i < out.length / 2; i++) dst.setUint16(2 * i, toHalfBits(src.getFloat32(4 * i, true)), true);
      part = out;
      t.dtype = 'F16';
    }
    t.data_offsets = [at, at + part.length];
    at += part.length;
    parts.push(part);
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const part of parts) { out.set(part, p); p += part.length; }
  return out;
}
