// Redis 7.0 prints doubles with "%.17g" (addReplyDouble) and a few special spellings; INCRBYFLOAT
// and HINCRBYFLOAT use "%.17Lg" and strip trailing zeros. Both are reproduced here in pure JS.

/** Formats like C's printf("%.17g"). */
export function formatG17(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  // %g uses scientific notation when exp < -4 or exp >= precision.
  let text: string;
  const precise = value.toPrecision(17);
  const expMatch = /e([+-]\d+)$/.exec(precise);
  const exp = expMatch ? Number(expMatch[1]) : exponent;
  if (exp < -4 || exp >= 17) {
    const [mantissa, e] = value.toExponential(16).split('e');
    const sign = e!.startsWith('-') ? '-' : '+';
    const digits = e!.replace(/^[+-]/, '').padStart(2, '0');
    text = `${stripZeros(mantissa!)}e${sign}${digits}`;
  } else {
    text = stripZeros(value.toFixed(Math.max(0, 16 - exp)));
  }
  return text;
}

/** Shortest text that reads back to the same double (what RESP3 and INCRBYFLOAT-like replies want). */
export function formatHuman(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  // Redis prints these with "%.17Lf" and strips trailing zeros: never an exponent.
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  if (!text.includes('e')) return text;
  return stripZeros(value.toFixed(20));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '');
}
