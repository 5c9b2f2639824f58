// LOLWUT's drawing (commands/admin/lolwut/): the canvas primitives, the Braille packing of Schotter
// and the skyline's colours, with a scripted random source so the drawings are repeatable.

import { describe, expect, it } from 'vitest';
import { Canvas, cRound } from '../../src/server/commands/admin/lolwut/canvas.js';
import { drawSchotter, renderBraille } from '../../src/server/commands/admin/lolwut/schotter.js';
import { drawSkyline, renderColors } from '../../src/server/commands/admin/lolwut/skyline.js';

describe('LOLWUT canvas', () => {
  it("rounds halves away from zero, as C's round()", () => {
    expect([cRound(2.5), cRound(-2.5), cRound(0.49), cRound(-0.5)]).toEqual([3, -3, 0, -1]);
  });

  it('draws lines and ignores pixels outside', () => {
    const canvas = new Canvas(4, 3, 0);
    canvas.line(0, 0, 3, 2, 1);
    canvas.set(9, 9, 1);
    expect(canvas.get(-1, 0)).toBe(0);
    expect([...canvas.pixels].join('')).toBe('100001100001');
  });

  it('packs 2x4 pixels into one Braille character per cell', () => {
    const canvas = new Canvas(2, 4, 1);
    expect(renderBraille(canvas)).toBe('\u28ff\n');
    // Redis ends a character row with a newline unless its first pixel row is the canvas's last.
    expect(renderBraille(new Canvas(4, 5, 0))).toBe('\u2800\u2800\n\u2800\u2800');
    expect(renderBraille(new Canvas(4, 8, 0))).toBe('\u2800\u2800\n\u2800\u2800\n');
  });
});

describe('LOLWUT art', () => {
  it('draws the first two rows of Schotter without randomness', () => {
    const never = () => {
      throw new Error('random used');
    };
    const art = renderBraille(drawSchotter(20, 4, 2, never));
    expect(art.split('\n').length).toBeGreaterThan(1);
    expect(art).toMatch(/[\u2801-\u28ff]/);
    // Further rows are shuffled by the random source: two sources give two drawings.
    let seed = 1;
    const scripted = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const a = renderBraille(drawSchotter(20, 4, 6, scripted));
    const b = renderBraille(drawSchotter(20, 4, 6, () => 0.999));
    expect(a).not.toBe(b);
  });

  it('fills the skyline canvas with the four grays, one cell per column and row', () => {
    let seed = 7;
    const scripted = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const canvas = drawSkyline(30, 10, scripted);
    const lines = renderColors(canvas).split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line.match(/\x1b\[[0-9;]+m \x1b\[0m/g)).toHaveLength(30);
    const colors = new Set(canvas.pixels);
    expect(colors.has(3)).toBe(true); // the sky
    expect(colors.has(0)).toBe(true); // foreground buildings
  });
});
