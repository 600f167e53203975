import type { FastifyReply } from 'fastify';

// Which files buyers may attach. A file must be one of these by its name's extension *and* by its first bytes,
// so a renamed program or web page is refused rather than served to suppliers under a trusted name.

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

type DocumentType = { label: string; contentType: string; matches: (bytes: Buffer) => boolean };

const startsWith = (bytes: Buffer, prefix: string) => bytes.subarray(0, prefix.length).toString('latin1') === prefix;
const isZip = (bytes: Buffer) => startsWith(bytes, 'PK\u0003\u0004');
// Office Open XML files are zip archives whose entries name their application's folder.
const zipHolds = (bytes: Buffer, entry: string) => isZip(bytes) && bytes.includes(Buffer.from(entry, 'latin1'));
// Text files have no signature: they must be UTF-8 without NUL bytes, which rules out every binary format.
const isText = (bytes: Buffer) => {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

export const DOCUMENT_TYPES: Record<string, DocumentType> = {
  pdf: { label: 'PDF', contentType: 'application/pdf', matches: (bytes) => startsWith(bytes, '%PDF-') },
  docx: {
    label: 'Word document',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    matches: (bytes) => zipHolds(bytes, 'word/'),
  },
  xlsx: {
    label: 'Excel spreadsheet',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    matches: (bytes) => zipHolds(bytes, 'xl/'),
  },
  odt: {
    label: 'OpenDocument text',
    contentType: 'application/vnd.oasis.opendocument.text',
    // The first entry of an OpenDocument file is its uncompressed media type, at byte 30.
    matches: (bytes) =>
      isZip(bytes) && bytes.subarray(30, 73).toString('latin1') === 'mimetypeapplication/vnd.oasis.opendocument.text',
  },
  csv: { label: 'CSV', contentType: 'text/csv; charset=utf-8', matches: isText },
  txt: { label: 'Plain text', contentType: 'text/plain; charset=utf-8', matches: isText },
};

export const ALLOWED_EXTENSIONS = Object.keys(DOCUMENT_TYPES);

export type CheckedDocument = { ok: true; contentType: string } | { ok: false; message: string };

/** Checks a file by its name and its content; the message says what may be uploaded instead. */
export function checkDocument(fileName: string, bytes: Buffer): CheckedDocument {
  const allowed =
    'The selected file must be a PDF, Word document (DOCX), Excel spreadsheet (XLSX), OpenDocument text (ODT), CSV or plain text file';
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const type = Object.hasOwn(DOCUMENT_TYPES, extension) ? DOCUMENT_TYPES[extension] : undefined;
  if (!type) return { ok: false, message: allowed };
  if (bytes.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, message: 'The selected file must be smaller than 10 MB' };
  if (!type.matches(bytes))
    return {
      ok: false,
      message: `The selected file is not really a ${type.label}: its content does not match its name`,
    };
  return { ok: true, contentType: type.contentType };
}

export const labelFor = (contentType: string) =>
  Object.values(DOCUMENT_TYPES).find((type) => type.contentType === contentType)?.label ?? 'File';

/** A size people read: bytes, KB or MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A Content-Disposition that cannot break out of its header: an ASCII fallback with quotes, slashes and controls
 * replaced, and the real name percent-encoded (RFC 6266 / 5987).
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\/;%]/g, '_') || 'document';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Sends a stored file as a download that the browser never renders or caches: opportunity documents and evidence. */
export function sendAttachment(
  reply: FastifyReply,
  file: { contentType: string; fileName: string; content: Buffer | Uint8Array },
) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', contentDisposition(file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.content);
}
