// Is a folder on a network file system? Watchers use this to poll where other
// machines' writes raise no change events (inotify sees only local writes). The
// answer comes from statfs's f_type on Linux and from the path on Windows.

import fs from 'node:fs';
import path from 'node:path';

/**
 * statfs f_type magic numbers (linux/magic.h, statfs(2)) of file systems where another
 * machine's writes raise no inotify events. FUSE is included because the FUSE mounts
 * that hold shared data (sshfs, rclone, s3fs, gcsfuse, GlusterFS, virtiofs) behave so;
 * the cost on a local FUSE mount is polling, never a missed file.
 */
export const NETWORK_FS_TYPES: ReadonlyMap<number, string> = new Map([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x01021997, '9p'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'afs'],
  [0x73757245, 'coda'],
  [0x564c, 'ncp'],
  [0x00c36400, 'ceph'],
  [0x0bd00bd0, 'lustre'],
  [0x47504653, 'gpfs'],
  [0x01161970, 'gfs2'],
  [0x7461636f, 'ocfs2'],
  [0x65735546, 'fuse'],
]);

/**
 * The network file system holding `dir`, or null. Linux: statfs magic numbers above.
 * Windows: UNC paths (\\server\share) only — mapped drives are not detected. macOS and
 * others report no stable f_type, so 'auto' does not poll there: set `watch.poll: true`.
 */
export async function networkFileSystem(dir: string): Promise<string | null> {
  if (process.platform === 'win32') return /^\\\\[^\\?.]/.test(path.resolve(dir)) ? 'unc' : null;
  if (process.platform !== 'linux') return null;
  try {
    const st = await fs.promises.statfs(dir, { bigint: true });
    // f_type is a signed word on some ABIs; the magic is its low 32 bits.
    return NETWORK_FS_TYPES.get(Number(st.type & 0xffffffffn)) ?? null;
  } catch {
    return null;
  }
}
