/**
 * Folders of installed dependencies (never in git, often huge): a scratch copy or a reference checkout of a
 * workspace links them instead of copying them, so tools and the types they need resolve as in the workspace.
 * One list for @st3/executor's scratch copies and @st3/quality-gates' `--new-only` reference tree.
 */
export const DEPENDENCY_FOLDERS: readonly string[] = ['node_modules', '.venv', 'venv', '.tox', 'bower_components'];
