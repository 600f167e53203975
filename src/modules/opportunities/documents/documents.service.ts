import type { Database } from '../../../db/client.ts';
import { recordAudit } from '../../../platform/audit.ts';
import { HttpError } from '../../../platform/errors.ts';
import { isUuid } from '../../../platform/ids.ts';
import { RuleError } from '../opportunities.rules.ts';
import { type Actor, opportunitiesService, type Viewer } from '../opportunities.service.ts';
import { checkDocument } from './document-types.ts';
import * as repository from './documents.repository.ts';

const notFound = (what: string) => new HttpError(404, 'Page not found', `There is no ${what} at this address.`);

/** Documents and clarification questions of an opportunity. Who may see what follows the opportunity itself. */
export function documentsService({ database, now = () => new Date() }: { database: Database; now?: () => Date }) {
  const { db } = database;
  const opportunities = opportunitiesService({ database, now });
  const audit = (
    tx: Parameters<typeof recordAudit>[0],
    actor: Actor,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ) =>
    recordAudit(tx, {
      actorUserId: actor.userId,
      action,
      subjectType: 'opportunity',
      subjectId: id,
      details,
      ip: actor.ip,
    });

  return {
    /** Throws a RuleError with the message to show beside the file field when the file is refused. */
    async upload(id: string, file: { fileName: string; content: Buffer }, actor: Actor) {
      const opportunity = await opportunities.findForBuyer(id, actor);
      const checked = checkDocument(file.fileName, file.content);
      if (!checked.ok) throw new RuleError(checked.message);
      return db.transaction(async (tx) => {
        const document = await repository.insertDocument(tx, {
          opportunityId: opportunity.id,
          fileName: file.fileName,
          contentType: checked.contentType,
          sizeBytes: file.content.length,
          content: file.content,
          uploadedBy: actor.userId,
        });
        await audit(tx, actor, 'opportunity.document.upload', id, {
          documentId: document.id,
          fileName: file.fileName,
          sizeBytes: document.sizeBytes,
        });
        await opportunities.recordDocumentAdded(tx, opportunity, file.fileName, actor);
        return document;
      });
    },

    /** A document of an opportunity the viewer may see; drafts' documents only for the buyer's officers. */
    async download(id: string, documentId: string, viewer: Viewer) {
      const opportunity = await opportunities.findVisible(id, viewer);
      if (!opportunity || !isUuid(documentId)) throw notFound('document');
      const document = await repository.findDocument(db, opportunity.id, documentId);
      if (!document) throw notFound('document');
      return document;
    },

    /** Any signed-in member of an organisation, on a published opportunity, before its clarification deadline. */
    async ask(id: string, question: string, actor: Actor) {
      const opportunity = await opportunities.findVisible(id, actor);
      if (!opportunity) throw notFound('opportunity');
      if (actor.organisationIds.length === 0)
        throw new RuleError('Join or add your organisation before asking a question.');
      if (opportunity.status !== 'published')
        throw new RuleError('Questions can only be asked while the opportunity is open.');
      const deadline = opportunity.clarificationDeadline ?? opportunity.submissionDeadline;
      if (deadline && deadline <= now()) throw new RuleError('The deadline for clarification questions has passed.');
      return db.transaction(async (tx) => {
        const row = await repository.insertQuestion(tx, { opportunityId: id, askedBy: actor.userId, question });
        await audit(tx, actor, 'opportunity.question.ask', id, { questionId: row.id });
        return row;
      });
    },

    /** The buyer's answer, published to everyone with the question. */
    async answer(id: string, questionId: string, answer: string, actor: Actor) {
      await opportunities.findForBuyer(id, actor);
      if (!isUuid(questionId)) throw notFound('question');
      await db.transaction(async (tx) => {
        // An answer is published to everyone who read it: it is never replaced behind their backs.
        const row = await repository.answerQuestion(tx, id, questionId, { answer, answeredBy: actor.userId });
        if (!row && (await repository.hasQuestion(tx, id, questionId)))
          throw new RuleError('This question has already been answered, and a published answer cannot be changed.');
        if (!row) throw notFound('question');
        await audit(tx, actor, 'opportunity.question.answer', id, { questionId });
      });
    },
  };
}
