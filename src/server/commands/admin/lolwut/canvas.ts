// The drawing surface LOLWUT's art is made on (Redis lolwut.c: lwCanvas, lwDrawLine, lwDrawSquare).
// Redis computes in C `float`s; Math.fround reproduces each single-precision step so that the
// deterministic drawings (LOLWUT VERSION 5 with one or two rows of squares) match byte for byte.

const f = Math.fround;

/** C's round(): halves away from zero (Math.round rounds -2.5 to -2). */
export function cRound(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

/** C rand(): an integer in [0, RAND_MAX] (glibc RAND_MAX = 2^31 - 1). */
export function cRand(random: () => number): number {
  return Math.floor(random() * 2147483648);
}

export const RAND_MAX = 2147483647;

export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  /** Writes outside the canvas are ignored, as lwDrawPixel does. */
  set(x: number, y: number, color: number): void {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return;
    this.pixels[x + y * this.width] = color;
  }

  /** Outside the canvas reads as 0 (lwGetPixel). */
  get(x: number, y: number): number {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return 0;
    return this.pixels[x + y * this.width]!;
  }

  /** Bresenham, in lwDrawLine's exact stepping order. */
  line(x1: number, y1: number, x2: number, y2: number, color: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.set(x1, y1, color);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }

  /** A square centred on x,y, rotated by `angle`: its corners on a circle (lwDrawSquare). */
  square(x: number, y: number, size: number, angle: number, color: number): void {
    let side = f(f(size) / 1.4142135623);
    side = f(cRound(side));
    const px: number[] = [];
    const py: number[] = [];
    let k = f(Math.PI / 4 + f(angle));
    for (let j = 0; j < 4; j++) {
      px.push(cRound(Math.sin(k) * side + x));
      py.push(cRound(Math.cos(k) * side + y));
      k = f(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j]!, py[j]!, px[(j + 1) % 4]!, py[(j + 1) % 4]!, color);
  }
}
