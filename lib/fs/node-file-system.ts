import { linkSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { link, mkdir, open, opendir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import type { FileSystem } from './file-system.js';

/**
 * The real file system: each operation is node's own, called as the modules called it
 * before they took a `FileSystem`, so production makes the same syscalls. Node's
 * `FileHandle` is the handle; its `datasync` and `sync` take no site name and ignore the one
 * they are given.
 */
export const nodeFileSystem: FileSystem = {
  open: (path, flags) => open(path, flags),
  mkdir: (path, options) => mkdir(path, options),
  readdir: (path) => readdir(path),
  opendir: (path) => opendir(path),
  readFile: (path, encoding) => readFile(path, encoding),
  writeFile: (path, data) => writeFile(path, data),
  link: (existingPath, newPath) => link(existingPath, newPath),
  unlink: (path) => unlink(path),
  rm: (path, options) => rm(path, options),
  stat: (path) => stat(path),
  renameSync: (oldPath, newPath) => renameSync(oldPath, newPath),
  linkSync: (existingPath, newPath) => linkSync(existingPath, newPath),
  unlinkSync: (path) => unlinkSync(path),
  statSync: (path, options) => statSync(path, options),
  utimesSync: (path, atime, mtime) => utimesSync(path, atime, mtime),
  readFileSync: (path, encoding) => readFileSync(path, encoding),
};
