// Draws the app icon (resources/icons/icon.png, 512×512) with no dependencies: a rounded
// square in lake blue holding a stack of three table slabs over a wave — a lakehouse of tables.
// Run `node scripts/make-icon.mjs` after changing it; the PNG is committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const size = 512;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons', 'icon.png');

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedRect(x, y, cx, cy, w, h, r) {
  const qx = Math.abs(x - cx) - w / 2 + r;
  const qy = Math.abs(y - cy) - h / 2 + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const coverage = (d) => Math.min(1, Math.max(0, 0.5 - d)); // 1px anti-aliasing

function pixel(x, y) {
  let rgba = [0, 0, 0, 0];
  const over = (color, alpha) => {
    const a = alpha + rgba[3] * (1 - alpha);
    if (a === 0) return;
    const c = color.map((v, i) => (v * alpha + rgba[i] * rgba[3] * (1 - alpha)) / a);
    rgba = [...c, a];
  };
  // Background: vertical gradient from deep to light lake blue.
  const bg = coverage(roundedRect(x, y, 256, 256, 480, 480, 96));
  over(mix([18, 76, 150], [38, 148, 214], y / size), bg);
  // Three table slabs (a Delta table's versions), lighter towards the top.
  const slabs = [
    [150, [255, 255, 255]],
    [222, [225, 240, 252]],
    [294, [196, 224, 248]],
  ];
  for (const [cy, color] of slabs) over(color, coverage(roundedRect(x, y, 256, cy, 280, 52, 18)));
  // Column separators on the slabs.
  for (const [cy] of slabs) {
    for (const cx of [210, 302]) {
      const inSlab = roundedRect(x, y, 256, cy, 280, 52, 18) < 0;
      if (inSlab) over([18, 76, 150], 0.35 * coverage(Math.abs(x - cx) - 3));
    }
  }
  // The wave: the lake the tables sit on.
  const wave = 372 + 14 * Math.sin((x / size) * Math.PI * 4);
  const inWave = roundedRect(x, y, 256, 400, 400, 140, 40) < 0;
  if (inWave) over([255, 255, 255], 0.9 * coverage(Math.abs(y - wave) - 9));
  const wave2 = 418 + 12 * Math.sin((x / size) * Math.PI * 4 + 1.2);
  if (inWave) over([255, 255, 255], 0.55 * coverage(Math.abs(y - wave2) - 7));
  return rgba;
}

const raw = Buffer.alloc((size * 4 + 1) * size);
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < size; x++) {
    const [r, g, b, a] = pixel(x + 0.5, y + 0.5);
    const o = y * (size * 4 + 1) + 1 + x * 4;
    raw[o] = Math.round(r);
    raw[o + 1] = Math.round(g);
    raw[o + 2] = Math.round(b);
    raw[o + 3] = Math.round(a * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
console.log(`wrote ${out}`);
