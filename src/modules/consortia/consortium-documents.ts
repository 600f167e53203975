import { createHash } from 'node:crypto';
import type { SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { RuleError } from '../ledger/contracts.rules.ts';
import { checkDocument } from '../opportunities/documents/document-types.ts';
import type { Actor, ConsortiaService } from './consortia.service.ts';

// Documents in a consortium's private space: members add and read them; nobody else learns they exist.

export type ConsortiumDocument = {
  id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  uploaded_at: Date;
  uploaded_by_name: string;
};

export const documentsOf = (sql: SqlRunner, consortiumId: string) =>
  sql.query<ConsortiumDocument>(
    `SELECT d.id, d.file_name, d.content_type, d.size_bytes, d.uploaded_at, u.display_name AS uploaded_by_name
       FROM consortium_documents d JOIN users u ON u.id = d.uploaded_by
      WHERE d.consortium_id = $1 ORDER BY d.uploaded_at DESC, d.id`,
    [consortiumId],
  );

const notFound = () => new HttpError(404, 'Page not found', 'There is no document at this address.');

export function consortiumDocuments({
  database,
  consortia,
}: {
  database: SqlRunner & { transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> };
  consortia: ConsortiaService;
}) {
  const asMember = async (id: string, actor: Actor) => {
    const { access } = await consortia.load(id, actor);
    if (!access.isMember) throw notFound();
  };
  return {
    async add(id: string, file: { fileName: string; content: Buffer }, actor: Actor) {
      await asMember(id, actor);
      const checked = checkDocument(file.fileName, file.content);
      if (!checked.ok) throw new RuleError(checked.message, 'document');
      const sha256 = createHash('sha256').update(file.content).digest('hex');
      return database.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string }>(
          `INSERT INTO consortium_documents (consortium_id, file_name, content_type, size_bytes, sha256, content,
                                             uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [id, file.fileName, checked.contentType, file.content.length, sha256, file.content, actor.userId],
        );
        await recordAuditSql(tx, {
          actorUserId: actor.userId,
          action: 'consortium.document',
          subjectType: 'consortium',
          subjectId: id,
          details: { documentId: row?.id, fileName: file.fileName, sha256 },
          ip: actor.ip,
        });
        return row;
      });
    },

    async download(id: string, documentId: string, actor: Actor) {
      await asMember(id, actor);
      if (!/^[0-9a-f-]{36}$/i.test(documentId)) throw notFound();
      const [row] = await database.query<{ file_name: string; content_type: string; content: Buffer | Uint8Array }>(
        'SELECT file_name, content_type, content FROM consortium_documents WHERE consortium_id = $1 AND id = $2',
        [id, documentId],
      );
      if (!row) throw notFound();
      return { fileName: row.file_name, contentType: row.content_type, content: Buffer.from(row.content) };
    },
  };
}
