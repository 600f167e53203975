import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Executor } from '../../../db/client.ts';
import { opportunityDocuments, opportunityQuestions } from './documents.tables.ts';

const listed = {
  id: opportunityDocuments.id,
  fileName: opportunityDocuments.fileName,
  contentType: opportunityDocuments.contentType,
  sizeBytes: opportunityDocuments.sizeBytes,
  uploadedAt: opportunityDocuments.uploadedAt,
};

export async function insertDocument(executor: Executor, values: typeof opportunityDocuments.$inferInsert) {
  const [row] = await executor.insert(opportunityDocuments).values(values).returning(listed);
  if (!row) throw new Error('insert into opportunity_documents returned no row');
  return row;
}

/** Documents without their content, for pages and OCDS releases. */
export const listDocuments = (executor: Executor, opportunityId: string) =>
  executor
    .select(listed)
    .from(opportunityDocuments)
    .where(eq(opportunityDocuments.opportunityId, opportunityId))
    .orderBy(asc(opportunityDocuments.uploadedAt), asc(opportunityDocuments.id));

export async function findDocument(executor: Executor, opportunityId: string, documentId: string) {
  const [row] = await executor
    .select()
    .from(opportunityDocuments)
    .where(and(eq(opportunityDocuments.opportunityId, opportunityId), eq(opportunityDocuments.id, documentId)));
  return row;
}

export async function insertQuestion(executor: Executor, values: typeof opportunityQuestions.$inferInsert) {
  const [row] = await executor.insert(opportunityQuestions).values(values).returning();
  if (!row) throw new Error('insert into opportunity_questions returned no row');
  return row;
}

/** Every question for the buyer; answered ones only for everyone else. Never who asked. */
export const listQuestions = (executor: Executor, opportunityId: string, answeredOnly: boolean) =>
  executor
    .select({
      id: opportunityQuestions.id,
      question: opportunityQuestions.question,
      askedAt: opportunityQuestions.askedAt,
      answer: opportunityQuestions.answer,
      answeredAt: opportunityQuestions.answeredAt,
    })
    .from(opportunityQuestions)
    .where(
      and(
        eq(opportunityQuestions.opportunityId, opportunityId),
        answeredOnly ? isNotNull(opportunityQuestions.answer) : undefined,
      ),
    )
    .orderBy(asc(opportunityQuestions.askedAt), asc(opportunityQuestions.id));

export async function answerQuestion(
  executor: Executor,
  opportunityId: string,
  questionId: string,
  values: { answer: string; answeredBy: string },
) {
  const [row] = await executor
    .update(opportunityQuestions)
    .set({ ...values, answeredAt: new Date() })
    .where(
      and(
        eq(opportunityQuestions.opportunityId, opportunityId),
        eq(opportunityQuestions.id, questionId),
        isNull(opportunityQuestions.answer),
      ),
    )
    .returning();
  return row;
}

/** Whether the opportunity has this question, answered or not. */
export async function hasQuestion(executor: Executor, opportunityId: string, questionId: string) {
  const rows = await executor
    .select({ id: opportunityQuestions.id })
    .from(opportunityQuestions)
    .where(and(eq(opportunityQuestions.opportunityId, opportunityId), eq(opportunityQuestions.id, questionId)));
  return rows.length > 0;
}
