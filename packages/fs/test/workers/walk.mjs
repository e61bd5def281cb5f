// Runs walkFiles as whoever started it (the test drops root to "nobody": root reads any folder).
// argv: <dist index.js> <root> <throw|collect>; stdout: {files, unreadable} or {error: {code, file, message}}.
const [distIndex, root, mode] = process.argv.slice(2);
const { walkFiles } = await import(distIndex);
const unreadable = [];
try {
  const options = mode === 'collect' ? { onUnreadable: (dir, error) => unreadable.push([dir, error.code]) } : {};
  const files = await walkFiles(root, { gitignore: true, ...options });
  process.stdout.write(JSON.stringify({ files, unreadable }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: { code: error.code, file: error.file, message: error.message } }));
}
