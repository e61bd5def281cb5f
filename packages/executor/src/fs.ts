// Atomic writes and the one cross-process lock live in @st3/fs.
export { ignoreInGit, withFileLock, writeFileAtomic, type LockOptions } from '@st3/fs';
