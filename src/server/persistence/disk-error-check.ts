// The request path's `misconf` check (Redis processCommand + writeCommandsDeniedByDiskError): while
// the last BGSAVE failed under stop-writes-on-bgsave-error with save points set, or while the AOF
// cannot write or fsync, writes and PING are refused with -MISCONF. Commands from our master go
// through (Redis would rather log, or panic, than fall behind its master).

import { ErrorReply } from '../../shared/resp/reply.js';
import type { RequestCheck } from '../request/request-path.js';
import type { Server } from '../server.js';
import { aofState } from './aof/state.js';
import { savePoints } from './background-save.js';
import { persistenceState } from './state.js';

const ERR_BGSAVE = new ErrorReply(
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
    'Commands that may modify the data set are disabled, because this instance is configured to report errors ' +
    'during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for ' +
    'details about the RDB error.',
);

/** glibc's strerror() texts for the errors a file write or fsync meets. */
const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EBADF: 'Bad file descriptor',
  EROFS: 'Read-only file system',
  EFBIG: 'File too large',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EINVAL: 'Invalid argument',
};

export function diskErrorCheck(server: Server): RequestCheck {
  return ({ client, traits, fullName }) => {
    if (!traits.write && fullName !== 'ping') return undefined;
    const error = diskError(server);
    if (error === undefined || client.isMaster) return undefined;
    return error;
  };
}

function diskError(server: Server): ErrorReply | undefined {
  // The failure flags first: they are what is false on every write of a healthy node.
  if (!persistenceState(server).lastBgsaveOk && server.config.bool('stop-writes-on-bgsave-error') && savePoints(server).length > 0) {
    return ERR_BGSAVE;
  }
  const aof = aofState(server);
  if (aof.status !== 'off' && (!aof.lastWriteOk || aof.bioFsyncFailed)) {
    const text = STRERROR[aof.lastWriteErrno] ?? aof.lastWriteErrno;
    return new ErrorReply(`MISCONF Errors writing to the AOF file: ${text}`);
  }
  return undefined;
}
