import type { Connection, Submittable } from 'pg';

// `COPY … TO STDOUT` read straight off the connection's socket. The server sends the data as CopyData messages
// (one per row); each message's bytes are handed on where they lie in the chunk the socket delivered, so nothing
// is sliced, copied or buffered per row on the way, which is most of what a stream of the data costs the client.
// While the COPY runs the connection's own parser is taken off the socket; it is put back at the end of the data,
// or at an error, with whatever follows, so the driver sees the rest of the exchange as it would have.

/** Receives part or all of one CopyData message's bytes, `chunk[from, to)`, to be read before it returns. */
export type CopyDataHandler = (chunk: Buffer, from: number, to: number) => void;

const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
// Messages that may come before or among the CopyData messages, read past as pg-copy-streams does; any other
// ends the data (CopyDone, or an ErrorResponse for the driver to report).
const ALONGSIDE = new Set([0x48 /* CopyOutResponse */, 0x4e /* Notice */, 0x53 /* ParameterStatus */, 0x41]);
const HEADER = 5; // a type byte and a length, which counts itself

export class CopyOut implements Submittable {
  /**
   * Settles once the server is ready for the next query, or at the server's error (the driver holds the next
   * query until the server is ready): rejected with that error, the handler's, or one for a statement that is
   * not a COPY out.
   */
  readonly done: Promise<void>;
  readonly text: string;
  readonly #onData: CopyDataHandler;
  #settle!: (error?: unknown) => void;
  #failure: unknown = null;
  #connection: Connection | null = null;
  #driverListener: ((chunk: Buffer) => void) | null = null;
  // The message being read: its header (which may arrive split between chunks) and the bytes of it still to come.
  readonly #header = Buffer.alloc(HEADER);
  #headerBytes = 0;
  #type = 0;
  #remaining = 0;

  constructor(text: string, onData: CopyDataHandler) {
    this.text = text;
    this.#onData = onData;
    this.done = new Promise((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
  }

  /** Called by the driver when the connection is free for this query. */
  submit(connection: Connection): Error | undefined {
    const listeners = connection.stream.listeners('data');
    if (listeners.length !== 1) return new Error('COPY out expects the driver alone to read the connection');
    this.#connection = connection;
    this.#driverListener = listeners[0] as (chunk: Buffer) => void;
    connection.stream.removeListener('data', this.#driverListener);
    connection.stream.on('data', this.#read);
    connection.query(this.text);
    return undefined;
  }

  #read = (chunk: Buffer): void => {
    let at = 0;
    while (at < chunk.length) {
      if (this.#headerBytes < HEADER) {
        const taken = Math.min(HEADER - this.#headerBytes, chunk.length - at);
        chunk.copy(this.#header, this.#headerBytes, at, at + taken);
        this.#headerBytes += taken;
        at += taken;
        if (this.#headerBytes < HEADER) return;
        this.#type = this.#header[0] as number;
        this.#remaining = this.#header.readInt32BE(1) - 4;
        if (this.#type !== COPY_DATA && !ALONGSIDE.has(this.#type)) {
          this.#handBack(
            this.#type === COPY_DONE ? chunk.subarray(at) : Buffer.concat([this.#header, chunk.subarray(at)]),
          );
          return;
        }
      }
      const end = Math.min(chunk.length, at + this.#remaining);
      if (this.#type === COPY_DATA && end > at && this.#failure === null) {
        try {
          this.#onData(chunk, at, end);
        } catch (error) {
          // The rest of the data is read past, so that the connection is ready for the next query.
          this.#failure = error;
        }
      }
      this.#remaining -= end - at;
      at = end;
      if (this.#remaining === 0) this.#headerBytes = 0;
    }
  };

  /** The driver reads the connection again, from `rest` on: the end of the COPY, or the server's error. */
  #handBack(rest: Buffer): void {
    const connection = this.#connection;
    const listener = this.#driverListener;
    if (!connection || !listener) return;
    connection.stream.removeListener('data', this.#read);
    connection.stream.on('data', listener);
    if (rest.length > 0) listener(rest);
  }

  /** The server's error (the driver then holds no query for the ready message that follows), or a lost connection. */
  handleError(error: Error): void {
    this.#settle(this.#failure ?? error);
  }

  handleCommandComplete(): void {}

  // Answers a COPY out never has: the statement was something else. It is refused once the server is ready.
  handleRowDescription(): void {
    this.#notCopyOut();
  }

  handleDataRow(): void {
    this.#notCopyOut();
  }

  handleEmptyQuery(): void {
    this.#notCopyOut();
  }

  handleCopyInResponse(connection: Connection & { sendCopyFail(message: string): void }): void {
    this.#notCopyOut();
    connection.sendCopyFail('COPY out was given COPY FROM STDIN');
  }

  #notCopyOut(): void {
    this.#failure ??= new Error(`Not a COPY … TO STDOUT: ${this.text.slice(0, 60)}`);
  }

  handleReadyForQuery(): void {
    this.#settle(this.#failure ?? undefined);
  }
}
