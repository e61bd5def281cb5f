export {
  ignoreInGit,
  writeFileAtomic,
  writeJsonAtomic,
  removeOrphanTemps,
  tempName,
  type WriteAtomicOptions,
} from './atomic-write.js';
export { acquireFileLock, withFileLock, LOCK_STALE_MS, type FileLock, type LockOptions } from './lock/file-lock.js';
export { walkFiles, compareCodeUnits, type WalkOptions } from './walk.js';
export { GitignoreMatcher, findGitRoot, type GitignoreMatcherOptions } from './gitignore.js';
export { listDirtyFiles, type DirtyFile, type DirtyFilesOptions, type DirtyFilesResult } from './git/dirty-files.js';
export { gitDirs, readHead, type GitDirs, type HeadInfo } from './git/repo.js';
export { processAlive } from './owner.js';
export { fileIsPresent, lstatIfThere, readdirIfThere, readFileIfThere } from './present.js';
export { DEPENDENCY_FOLDERS } from './dependency-folders.js';
