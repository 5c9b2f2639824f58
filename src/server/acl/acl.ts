// The node's ACL users and what clients see of them (acl.c): the user table with its `default`
// user (whose password `requirepass` sets), who must AUTH before anything else, authenticating,
// ACL SETUSER / DELUSER / LOAD applied to the table with the clients they disconnect, and the log
// of refusals.

import type { Client } from '../clients/client.js';
import { clientInfoLine } from '../clients/client-info.js';
import type { Server } from '../server.js';
import { clock } from '../base/clock.js';
import { AclLog, type LogContext, type LogReason } from './acl-log.js';
import { aclCommandTable } from './command-table.js';
import { hashPassword, sameHash } from './password.js';
import { applyRules, revokedChannels, subscriptionsRevoked } from './set-user.js';
import { AclUser } from './user.js';

export class Acl {
  readonly table = aclCommandTable();
  readonly log = new AclLog();
  /** The `default` user: every new connection runs as it (Redis DefaultUser; the object never changes). */
  readonly defaultUser: AclUser;
  private users = new Map<string, AclUser>();

  constructor(private readonly server: Server) {
    this.defaultUser = this.newDefaultUser();
    this.users.set('default', this.defaultUser);
    // Redis initServer applies requirepass to the default user; CONFIG SET requirepass does again.
    this.setRequirePass(server.config.str('requirepass'));
    server.config.onChange('requirepass', (value) => this.setRequirePass(value as string));
  }

  /** acl-pubsub-default: whether new users and selectors start with every channel. */
  private get allChannelsByDefault(): boolean {
    return this.server.config.str('acl-pubsub-default') === 'allchannels';
  }

  /** A user outside the table (Redis ACLCreateUnlinkedUser): off, no passwords, nothing allowed. */
  newUser(name: string): AclUser {
    return new AclUser(name, this.table, () => this.allChannelsByDefault);
  }

  /** ACLCreateDefaultUser: +@all ~* &* on nopass. */
  newDefaultUser(): AclUser {
    const user = this.newUser('default');
    for (const rule of ['+@all', '~*', '&*', 'on', 'nopass']) user.apply(rule);
    return user;
  }

  /** Links a user made with newUser into the table (config file users at startup). */
  addUser(user: AclUser): void {
    this.users.set(user.name, user);
  }

  getUser(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Every user, in the byte order of their names (Redis keeps them in a radix tree). */
  list(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** ACLUpdateDefaultUserPassword: `requirepass ""` makes the default user nopass again. */
  setRequirePass(password: string): void {
    this.defaultUser.apply('resetpass');
    this.defaultUser.apply(password === '' ? 'nopass' : `>${password}`);
  }

  /** networking.c authRequired: NOAUTH unless the default user is usable without a password. */
  authRequired(client: Client): boolean {
    if (client.authenticated) return false;
    const user = this.defaultUser;
    return !user.nopass || user.flags.has('off');
  }

  /** clientSetDefaultAuth: a new (or RESET) connection runs as the default user. */
  setDefaultAuth(client: Client): void {
    client.user = this.defaultUser;
    client.authenticated = this.defaultUser.nopass && !this.defaultUser.flags.has('off');
  }

  /** ACLCheckUserCredentials: an enabled user, nopass or one of its passwords. */
  checkCredentials(username: string, password: string): boolean {
    const user = this.users.get(username);
    if (!user || user.flags.has('off')) return false;
    if (user.nopass) return true;
    const hash = hashPassword(password);
    return user.passwords.some((p) => sameHash(hash, p));
  }

  /**
   * ACLAuthenticateUser: on success the client runs as the user; a failure is logged (reason
   * `auth`, object the command as typed) and leaves the client as it was.
   */
  authenticate(client: Client, username: string, password: string, typedCommand: string): boolean {
    if (this.checkCredentials(username, password)) {
      client.authenticated = true;
      client.user = this.users.get(username)!;
      return true;
    }
    this.logRefusal(client, 'auth', client.multi !== null ? 'multi' : 'toplevel', typedCommand, username);
    return false;
  }

  /** addACLLogEntry: `client` is the one refused (for a script, its caller), `username` the user named. */
  logRefusal(client: Client, reason: LogReason, context: LogContext, object: string, username?: string): void {
    const entry = {
      reason,
      context,
      object,
      username: username ?? client.user?.name ?? '',
      time: clock.now(),
      clientInfo: clientInfoLine(client),
    };
    this.log.add(entry, this.server.config.num('acllog-max-len'));
  }

  /**
   * ACL SETUSER (ACLStringSetUser): all rules or none; a new user is created only when they all
   * apply. Subscribers of the user who lost one of their channels are disconnected. Returns Redis's
   * error text, or undefined.
   */
  setUser(name: string, rules: readonly string[]): string | undefined {
    const existing = this.users.get(name);
    const staged = this.newUser(name);
    if (existing) staged.copyFrom(existing);
    const error = applyRules(staged, rules);
    if (error) return error;
    if (existing) this.disconnectRevokedSubscribers(staged, existing);
    let user = existing;
    if (!user) this.users.set(name, (user = this.newUser(name)));
    user.copyFrom(staged);
    return undefined;
  }

  /** ACLKillPubsubClientsIfNeeded. */
  private disconnectRevokedSubscribers(updated: AclUser, original: AclUser): void {
    const allowed = revokedChannels(updated, original);
    if (!allowed) return;
    for (const client of [...this.server.clients.values()]) {
      if (client.user !== original || client.kind !== 'pubsub') continue;
      if (subscriptionsRevoked(allowed, [...client.channels, ...client.shardChannels], client.patterns)) this.disconnect(client, 'ACL channel permissions revoked');
    }
  }

  /** ACL DELUSER: removes the users that exist (never `default`) and disconnects their clients. */
  deleteUsers(names: readonly string[]): number {
    let deleted = 0;
    for (const name of names) {
      const user = this.users.get(name);
      if (!user) continue;
      this.users.delete(name);
      this.disconnectUser(user);
      deleted++;
    }
    return deleted;
  }

  /**
   * ACL LOAD's switch to a loaded table: the default user takes the loaded default's rules (or a
   * fresh default's), and every client of a user of the old table is disconnected, even when a user
   * of the same name was loaded (ACLLoadFromFile frees the old users).
   */
  replaceUsers(loaded: Map<string, AclUser>): void {
    const incoming = loaded.get('default') ?? this.newDefaultUser();
    this.defaultUser.copyFrom(incoming);
    loaded.set('default', this.defaultUser);
    const old = this.users;
    this.users = loaded;
    for (const user of old.values()) if (user !== this.defaultUser) this.disconnectUser(user);
  }

  /** ACLFreeUserAndKillClients: its clients fall back to the unauthenticated default user and go. */
  private disconnectUser(user: AclUser): void {
    for (const client of [...this.server.clients.values()]) {
      if (client.user !== user) continue;
      client.user = this.defaultUser;
      client.authenticated = false;
      this.disconnect(client, 'ACL user deleted');
    }
  }

  /** The client running the command is closed after its reply; any other at once. */
  private disconnect(client: Client, reason: string): void {
    if (client === this.server.currentClient) client.closing = true;
    else client.sink.close(reason);
  }
}
