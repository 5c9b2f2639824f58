// INFO parsing: "# Section" headers and "field:value" lines (Redis's INFO format), plus the
// "slaveN:ip=...,port=...,state=...,offset=...,lag=..." lines of a master's replication section.

export type InfoFields = Record<string, string>;

export function parseInfo(text: string): InfoFields {
  const fields: InfoFields = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

export interface ReplicaLine {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

/** The master's view of its replicas (slave0, slave1, ...). */
export function replicaLines(fields: InfoFields): ReplicaLine[] {
  const lines: ReplicaLine[] = [];
  for (let i = 0; fields[`slave${i}`] !== undefined; i++) {
    const parts = Object.fromEntries(fields[`slave${i}`]!.split(',').map((part) => part.split('=') as [string, string]));
    lines.push({
      ip: parts.ip ?? '',
      port: Number(parts.port),
      state: parts.state ?? '',
      offset: Number(parts.offset ?? 0),
      lag: Number(parts.lag ?? 0),
    });
  }
  return lines;
}

export function intField(fields: InfoFields, name: string): number | null {
  const value = fields[name];
  if (value === undefined || value === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
