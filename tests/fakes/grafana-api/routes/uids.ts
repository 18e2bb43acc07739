import { fail } from '../http';

/** Caller-supplied uids: at most 40 chars of `[a-zA-Z0-9-_]` (CONTRACT §10). */
export function validateUid(uid: string): string {
  if (uid.length > 40) {
    fail(400, 'uid too long, max 40 characters');
  }
  if (!/^[a-zA-Z0-9\-_]*$/.test(uid)) {
    fail(400, 'uid contains illegal characters');
  }
  return uid;
}
