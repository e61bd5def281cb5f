// Atomic writes, the one cross-process lock and folder listing live in @st3/fs.
export { ignoreInGit, readdirIfThere, withFileLock, writeFileAtomic, type LockOptions } from '@st3/fs';
