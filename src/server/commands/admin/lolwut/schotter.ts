// LOLWUT VERSION 5: Georg Nees's "Schotter" drawn in Braille characters (Redis lolwut5.c). Rows
// past the second are rotated and shifted at random, more so further down; the first two rows are
// plain squares, so a drawing of one or two rows is the same every time.

import { Canvas, cRand, RAND_MAX } from './canvas.js';

const f = Math.fround;

/** lwDrawSchotter: the canvas is two pixels per console column, the squares fill its width. */
export function drawSchotter(cols: number, perRow: number, perCol: number, random: () => number): Canvas {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f(f(width - padding * 2) / perRow);
  const height = Math.trunc(f(f(side * perCol) + padding * 2));
  const canvas = new Canvas(width, height, 0);
  const randomShare = () => f(f(f(cRand(random)) / f(RAND_MAX)) / perCol);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let sx = Math.trunc(f(f(f(x * side) + f(side / 2)) + padding));
      let sy = Math.trunc(f(f(f(y * side) + f(side / 2)) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = f(randomShare() * y);
        let r2 = f(randomShare() * y);
        let r3 = f(randomShare() * y);
        if (cRand(random) % 2) r1 = -r1;
        if (cRand(random) % 2) r2 = -r2;
        if (cRand(random) % 2) r3 = -r3;
        angle = r1;
        sx = Math.trunc(f(sx + f(f(r2 * side) / 3)));
        sy = Math.trunc(f(sy + f(f(r3 * side) / 3)));
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

/** One Braille character per 2x4 pixels (dots 1-8 as U+2800 + bits), rows joined by newlines. */
export function renderBraille(canvas: Canvas): string {
  let text = '';
  for (let y = 0; y < canvas.height; y += 4) {
    for (let x = 0; x < canvas.width; x += 2) {
      let bits = 0;
      if (canvas.get(x, y)) bits |= 1 << 0;
      if (canvas.get(x, y + 1)) bits |= 1 << 1;
      if (canvas.get(x, y + 2)) bits |= 1 << 2;
      if (canvas.get(x + 1, y)) bits |= 1 << 3;
      if (canvas.get(x + 1, y + 1)) bits |= 1 << 4;
      if (canvas.get(x + 1, y + 2)) bits |= 1 << 5;
      if (canvas.get(x, y + 3)) bits |= 1 << 6;
      if (canvas.get(x + 1, y + 3)) bits |= 1 << 7;
      text += String.fromCharCode(0x2800 + bits);
    }
    // Redis's renderCanvas compares with the last pixel row, not the last character row.
    if (y !== canvas.height - 1) text += '\n';
  }
  return text;
}
