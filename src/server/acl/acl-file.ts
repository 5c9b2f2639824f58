// The ACL file (aclfile directive; acl.c ACLLoadFromFile / ACLSaveToFile): one `user <name> <rules>`
// line per user, words split on single spaces. Loading validates the whole file into a fresh table
// and reports every broken line in one message, changing nothing when there is one; saving writes
// ACL LIST's lines to a temporary file renamed over the old one.

import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { clock } from '../base/clock.js';
import type { Acl } from './acl.js';
import { describeUser } from './describe.js';
import { mergeSelectorArguments } from './set-user.js';
import { hasSpaces, ruleErrorMessage } from './rule-errors.js';
import type { AclUser } from './user.js';

/** C's sdstrim: drops the given characters from both ends. */
function trim(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** One line's rules applied to its new user; returns what to add to the error text. */
function applyLine(user: AclUser, words: readonly string[], where: string): string {
  const merged = mergeSelectorArguments(words);
  // Redis goes on with the rules it merged before the open `(`; we report the line alone.
  if (!Array.isArray(merged)) return `${where}: Unmatched parenthesis in selector definition.`;
  let errors = '';
  let syntaxReported = false;
  for (const raw of merged) {
    const rule = trim(raw, '\t\r\n');
    const error = user.apply(rule);
    if (!error) continue;
    // Unknown commands are named; only the first other error of a line is, as it may cause the rest.
    if (error === 'unknown-command') errors += `${where}: Error in applying operation '${rule}': ${ruleErrorMessage(error)}. `;
    else if (!syntaxReported) {
      errors += `${where}: ${ruleErrorMessage(error)}. `;
      syntaxReported = true;
    }
  }
  return errors;
}

/**
 * Reads the users of an ACL file's text into a new table (the default user only if the file has
 * one). `fileName` is the aclfile setting as written, which the messages quote.
 */
export function parseAclFile(acl: Acl, text: string, fileName: string): { users: Map<string, AclUser> } | { errors: string } {
  const users = new Map<string, AclUser>();
  let errors = '';
  text.split('\n').forEach((rawLine, index) => {
    const line = trim(rawLine, ' \t\r\n');
    if (line === '') return;
    const words = line.split(' ');
    const where = `${fileName}:${index + 1}`;
    if (words[0] !== 'user' || words.length < 2) {
      errors += `${where} should start with user keyword followed by the username. `;
    } else if (hasSpaces(words[1]!)) {
      errors += `'${where}: username '${words[1]}' contains invalid characters. `;
    } else if (users.has(words[1]!)) {
      errors += `WARNING: Duplicate user '${words[1]}' found on line ${index + 1}. `;
    } else {
      const user = acl.newUser(words[1]!);
      users.set(user.name, user);
      errors += applyLine(user, words.slice(2), where);
    }
  });
  if (errors === '') return { users };
  return { errors: `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed` };
}

/** ACL LOAD: undefined when the file loaded, else Redis's error text (and nothing changed). */
export function loadAclFile(acl: Acl, fileName: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(fileName, 'latin1');
  } catch (error) {
    return `Error loading ACLs, opening file '${fileName}': ${systemMessage(error)}`;
  }
  const parsed = parseAclFile(acl, text, fileName);
  if ('errors' in parsed) return parsed.errors;
  acl.replaceUsers(parsed.users);
  return undefined;
}

/** The text ACL SAVE writes: ACL LIST's lines. */
export function aclFileText(acl: Acl): string {
  return acl
    .list()
    .map((user) => `user ${user.name} ${describeUser(user)}\n`)
    .join('');
}

/** ACL SAVE: writes through a temporary file; returns the failure to log, or undefined. */
export function saveAclFile(acl: Acl, fileName: string): string | undefined {
  const temp = `${fileName}.tmp-${process.pid}-${clock.now()}`;
  let fd: number | undefined;
  let step = 'Opening temp ACL file for ACL SAVE';
  try {
    fd = openSync(temp, 'w', 0o644);
    step = 'Writing ACL file for ACL SAVE';
    writeSync(fd, aclFileText(acl), null, 'latin1');
    closeSync(fd);
    fd = undefined;
    step = 'Renaming ACL file for ACL SAVE';
    renameSync(temp, fileName);
    return undefined;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already renamed.
    }
    return `${step}: ${systemMessage(error)}`;
  }
}

/** strerror's wording for the common file errors. */
function systemMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (error as Error).message;
}
