// LOLWUT VERSION 6: a city skyline in the four grays of a Game Boy screen, as terminal colour
// escapes (Redis lolwut6.c). Buildings, heights and lit windows are random on every call.

import { Canvas, cRand } from './canvas.js';

interface Skyscraper {
  xoff: number;
  width: number;
  height: number;
  windows: boolean;
  color: number;
}

/** generateSkyscraper: a block with a narrower roof; windows two pixels wide, one tall. */
function drawSkyscraper(canvas: Canvas, s: Skyscraper, random: () => number): void {
  const startY = canvas.height - 1;
  const endY = startY - s.height + 1;
  for (let y = startY; y >= endY; y--) {
    for (let x = s.xoff; x < s.xoff + s.width; x++) {
      if (y === endY && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2)) continue;
      let color = s.color;
      if (s.windows && x > s.xoff + 1 && x < s.xoff + s.width - 2 && y > endY + 1 && y < startY - 1) {
        const relX = x - (s.xoff + 1);
        const relY = y - (endY + 1);
        if (Math.trunc(relX / 2) % 2 && relY % 2) {
          do color = 1 + (cRand(random) % 2);
          while (color === s.color);
          if (relX % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.set(x, y, color);
    }
  }
}

/** generateSkyline: two background passes (lighter gray behind), then the windowed foreground. */
export function drawSkyline(cols: number, rows: number, random: () => number): Canvas {
  const canvas = new Canvas(cols, rows, 3);
  const h = canvas.height;
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < canvas.width; ) {
      offset += cRand(random) % 8;
      const width = 10 + (cRand(random) % 9);
      const height = color === 2 ? Math.trunc(h / 2) + Math.trunc((cRand(random) % h) / 2) : Math.trunc(h / 2) + Math.trunc((cRand(random) % h) / 3);
      drawSkyscraper(canvas, { xoff: offset, width, height, windows: false, color }, random);
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < canvas.width; ) {
    offset += cRand(random) % 8;
    let width = 5 + (cRand(random) % 14);
    if (width % 4) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc((cRand(random) % h) / 2);
    drawSkyscraper(canvas, { xoff: offset, width, height, windows: true, color: 0 }, random);
    offset += width + 5;
  }
  return canvas;
}

const ESCAPES = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

/** Every pixel is a space with its foreground and background set, then reset. */
export function renderColors(canvas: Canvas): string {
  let text = '';
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) text += `\x1b[${ESCAPES[canvas.get(x, y)] ?? ESCAPES[0]} \x1b[0m`;
    if (y !== canvas.height - 1) text += '\n';
  }
  return text;
}
