// A model file made small for the page to download: every F32 or F16 matrix stored as I8 with one F32
// scale per row (X.scale, as models/FORMAT.md describes: a quarter of the bytes), every other F32
// tensor as F16 (half). The engine's loader turns both back into F32 as it reads them, so the only
// change is the rounding here. Used by prepare-models.mjs; Node or browser, no dependencies.

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

/** The value of binary16 bits h (exact: every binary16 value is a float). */
export function fromHalfBits(h) {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (exp ? (1024 + mant) * 2 ** (exp - 25) : mant * 2 ** -24);
}

/**
 * One row of a matrix as int8: scale = max |x| / 127 (0 for a row of zeros), q = x / scale
 * rounded to nearest, halves away from zero, so |q| <= 127 and x ≈ scale × q.
 */
export function quantizeRow(row) {
  let max = 0;
  for (const x of row) max = Math.max(max, Math.abs(x));
  const scale = Math.fround(max / 127);
  const q = new Int8Array(row.length);
  // The clamp matters only when max / 127 rounds to a subnormal float and |x| / scale exceeds 127.
  if (scale > 0) for (let i = 0; i < row.length; i++) q[i] = Math.sign(row[i]) * Math.min(127, Math.round(Math.abs(row[i]) / scale));
  return { scale, q };
}

/**
 * The same safetensors file with every F32 or F16 matrix as I8 plus its row scales and every other F32
 * tensor as F16; other tensors and the metadata unchanged. Header keys keep their order (a scale
 * follows its matrix); the header is padded with spaces to a multiple of 8 bytes. bytes: a
 * Uint8Array of the whole file. Throws on a malformed file or a vector value beyond ±65504.
 */
export function compactWeights(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (!(n > 1 && 8 + n <= bytes.length)) throw new Error(`bad header length ${n}`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const data = bytes.subarray(8 + n);
  const out = {}, parts = [];
  let at = 0;
  const put = (name, dtype, shape, part) => {
    out[name] = { dtype, shape, data_offsets: [at, at + part.length] };
    at += part.length;
    parts.push(part);
  };
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') { out[name] = t; continue; }
    const part = data.subarray(t.data_offsets[0], t.data_offsets[1]);
    // Compact already: scales, I8 matrices, F16 vectors (a half-precision model's F16 matrices still
    // become I8).
    const half = t.dtype === 'F16' && t.shape.length === 2;
    if ((t.dtype !== 'F32' && !half) || name.endsWith('.scale')) { put(name, t.dtype, t.shape, part); continue; }
    const values = new Float32Array(part.length / (half ? 2 : 4));
    const src = new DataView(part.buffer, part.byteOffset, part.byteLength);
    for (let i = 0; i < values.length; i++)
      values[i] = half ? fromHalfBits(src.getUint16(2 * i, true)) : src.getFloat32(4 * i, true);
    if (t.shape.length === 2) {
      const [rows, cols] = t.shape;
      const q = new Uint8Array(rows * cols), scales = new Uint8Array(4 * rows);
      const sv = new DataView(scales.buffer);
      for (let r = 0; r < rows; r++) {
        const row = quantizeRow(values.subarray(r * cols, (r + 1) * cols));
        q.set(new Uint8Array(row.q.buffer), r * cols);
        sv.setFloat32(4 * r, row.scale, true);
      }
      put(name, 'I8', t.shape, q);
      put(`${name}.scale`, 'F32', [rows], scales);
    } else {
      const h = new Uint8Array(2 * values.length);
      const hv = new DataView(h.buffer);
      values.forEach((x, i) => hv.setUint16(2 * i, toHalfBits(x), true));
      put(name, 'F16', t.shape, h);
    }
  }
  let json = JSON.stringify(out);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const file = new Uint8Array(8 + head.length + at);
  new DataView(file.buffer).setBigUint64(0, BigInt(head.length), true);
  file.set(head, 8);
  let p = 8 + head.length;
  for (const part of parts) { file.set(part, p); p += part.length; }
  return file;
}
