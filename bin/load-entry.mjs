// Picks what a bin/ program runs: the bundle scripts/bundle.mjs made (one file, fast to start) when it
// is at least as new as tsc's output, else tsc's output itself (a build that ran tsc alone).
import { statSync } from 'node:fs';

function mtime(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
}

export async function loadEntry(bundle, compiled) {
  const bundleUrl = new URL(`../dist/bundle/${bundle}`, import.meta.url);
  const compiledUrl = new URL(`../dist/${compiled}`, import.meta.url);
  return import(mtime(bundleUrl) >= mtime(compiledUrl) ? bundleUrl.href : compiledUrl.href);
}
