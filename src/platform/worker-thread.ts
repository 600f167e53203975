import { type Transferable, Worker } from 'node:worker_threads';

// A worker thread that answers requests, for work that would otherwise hold the server while it runs. It is
// started on first use and again after a crash; while nothing waits on it, it never keeps the process alive.
// The worker answers each message `{ id, ... }` with `{ id, result }` or `{ id, error }`.

export type ThreadReply<Result> = { id: number; result?: Result; error?: string };

type Waiting<Result> = { resolve: (result: Result) => void; reject: (error: Error) => void };
type Running<Result> = { worker: Worker; pending: Map<number, Waiting<Result>> };

export function workerThread<Request extends object, Result>(url: URL, name: string) {
  let current: Running<Result> | undefined;
  let nextId = 0;
  const start = () => {
    const thread: Running<Result> = { worker: new Worker(url), pending: new Map() };
    // A crashed thread's late events touch only its own requests, never those of the thread started after it.
    const failAll = (error: Error) => {
      for (const { reject } of thread.pending.values()) reject(error);
      thread.pending.clear();
      if (current === thread) current = undefined;
    };
    thread.worker.on('message', ({ id, result, error }: ThreadReply<Result>) => {
      const waiting = thread.pending.get(id);
      thread.pending.delete(id);
      if (error === undefined && result !== undefined) waiting?.resolve(result);
      else waiting?.reject(new Error(error ?? `the ${name} gave no answer`));
      if (thread.pending.size === 0) thread.worker.unref();
    });
    thread.worker.on('error', failAll);
    thread.worker.on('exit', () => failAll(new Error(`the ${name} stopped`)));
    thread.worker.unref();
    return thread;
  };
  return {
    /** How many requests are waiting for an answer. */
    waiting: () => current?.pending.size ?? 0,
    /** Sends a request; `transfer` lists buffers moved to the thread rather than copied. */
    request(request: Request, transfer: Transferable[] = []): Promise<Result> {
      current ??= start();
      const thread = current;
      const id = nextId++;
      return new Promise<Result>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.ref();
        thread.worker.postMessage({ ...request, id }, transfer);
      });
    },
    /** A message that needs no answer, for a thread already running. */
    tell(message: object): void {
      current?.worker.postMessage(message);
    },
    async close() {
      const thread = current;
      current = undefined;
      if (thread) await thread.worker.terminate();
    },
  };
}
