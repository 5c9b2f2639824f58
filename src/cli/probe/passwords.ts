// Passwords of nodes started with requirepass, by port, for clusterctl's own connections. Kept apart
// from client.ts so that registering them does not load ioredis.

const passwords = new Map<number, string>();

export function registerPassword(port: number, password: string | undefined): void {
  if (password) passwords.set(port, password);
  else passwords.delete(port);
}

export function passwordFor(port: number): string | undefined {
  return passwords.get(port);
}
