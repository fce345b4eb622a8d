import { stopWithSupervisor } from '../lib/supervisor/supervised-child.js';

// a child of `twophase dev` stops when dev is gone, however dev died: watched from here, before
// the rest of the CLI is imported, which takes seconds from source on a busy machine (a
// standby dev just started among them), and which nothing below this line could shorten
stopWithSupervisor(`twophase ${process.argv[2] ?? ''}`.trim());

const { runTwophase } = await import('./run-twophase.js');
runTwophase(process.argv);
