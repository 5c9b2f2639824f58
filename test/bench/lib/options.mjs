// Command-line options of the benchmark scripts: `--name value` or `--name=value`.

/** The value of option `name` (with or without its leading dashes), else `fallback`. */
export function option(name, fallback) {
  const flag = `--${name.replace(/^--/, '')}`;
  const args = process.argv.slice(2);
  const inline = args.find((a) => a.startsWith(`${flag}=`));
  if (inline) return inline.slice(flag.length + 1);
  const at = args.indexOf(flag);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
}
