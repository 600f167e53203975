import { randomUUID } from 'node:crypto';
import type { Database, Executor } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { checkDocument } from '../opportunities/documents/document-types.ts';
import * as repository from './contracts.repository.ts';
import { type Actor, RuleError } from './contracts.rules.ts';
import { contractsService } from './contracts.service.ts';
import { sha256Hex } from './hash-chain.ts';
import { appendEntry, type NewEntry } from './ledger.append.ts';
import type { CommitmentInput, CorrectionInput, ResponseInput, ResultInput } from './ledger.schema.ts';
import type { Contract, Result } from './ledger.tables.ts';
import { publishOpenData } from './open-data.ts';

export type Upload = { fileName: string; content: Buffer };
export const MAX_EVIDENCE_FILES = 5;

const notFound = (what: string) => new HttpError(404, 'Page not found', `There is no ${what} at this address.`);
const forbidden = (who: string) => new HttpError(403, 'You do not have permission to do this', `Only ${who} can.`);

/**
 * Commitments and results, each change one ledger entry appended with the current-state rows it implies and its
 * audit entry, all in one transaction. Nothing here updates or deletes a ledger entry: a correction is a new one.
 */
export function socialValueService({ database, now = () => new Date() }: { database: Database; now?: () => Date }) {
  const { db } = database;
  const contracts = contractsService({ database, now });

  const buyerStaffOf = async (contractId: string, actor: Actor) => {
    const found = await contracts.findForActor(contractId, actor);
    if (!found.roles.isBuyerStaff) throw forbidden("the buyer's commissioners and procurement officers");
    return found.contract;
  };
  const delivererOf = async (contractId: string, actor: Actor) => {
    const found = await contracts.findForActor(contractId, actor);
    if (!found.roles.isDeliverer) throw forbidden('members of the organisation delivering the contract');
    return found.contract;
  };
  const resultOf = async (contract: Contract, resultId: string): Promise<Result> => {
    const result = isUuid(resultId) ? await repository.findResult(db, contract.id, resultId) : undefined;
    if (!result) throw notFound('result');
    return result;
  };

  /** Appends the entry and records who did it, then lets the caller write the current state, in one transaction. */
  const record = <T>(
    actor: Actor,
    entry: Omit<NewEntry, 'actorUserId' | 'recordedAt'>,
    apply: (tx: Executor, id: string) => Promise<T>,
  ) =>
    db.transaction(async (tx) => {
      const written = await appendEntry(tx, { ...entry, actorUserId: actor.userId, recordedAt: now() });
      const applied = await apply(tx, written.id);
      await publishOpenData(tx, entry.contractId, now());
      await recordAudit(tx, {
        actorUserId: actor.userId,
        action: `social-value.${entry.kind}`,
        subjectType: 'contract',
        subjectId: entry.contractId,
        details: { entryId: written.id, seq: written.seq, subjectId: entry.subjectId ?? null },
        ip: actor.ip,
      });
      return { entryId: written.id, applied };
    });

  /** Checks every file before anything is written; the message names the file that was refused. */
  const checkedFiles = (files: Upload[]) => {
    if (files.length > MAX_EVIDENCE_FILES) throw new RuleError(`Attach up to ${MAX_EVIDENCE_FILES} files`, 'evidence');
    return files.map((file) => {
      const checked = checkDocument(file.fileName, file.content);
      if (!checked.ok) throw new RuleError(`${file.fileName}: ${checked.message}`, 'evidence');
      return { ...file, id: randomUUID(), contentType: checked.contentType, sha256: sha256Hex(file.content) };
    });
  };
  type Checked = ReturnType<typeof checkedFiles>;
  const evidenceBody = (files: Checked) =>
    files.map((file) => ({
      id: file.id,
      fileName: file.fileName,
      contentType: file.contentType,
      sizeBytes: file.content.length,
      sha256: file.sha256,
    }));
  const storeEvidence = (tx: Executor, resultId: string, entryId: string, files: Checked) =>
    repository.insertEvidence(
      tx,
      files.map((file) => ({
        id: file.id,
        resultId,
        entryId,
        fileName: file.fileName,
        contentType: file.contentType,
        sizeBytes: file.content.length,
        sha256: file.sha256,
        content: file.content,
      })),
    );

  const measureFor = async (contract: Contract, measureId: string) => {
    const measure = await repository.findMeasure(db, contract.frameworkVersionId, measureId);
    if (!measure) throw new RuleError("Choose a measure from the contract's impact framework");
    return measure;
  };
  const currentCommitment = async (contract: Contract, commitmentId: string) => {
    const commitment = isUuid(commitmentId)
      ? await repository.findCommitment(db, contract.id, commitmentId)
      : undefined;
    if (!commitment) throw notFound('commitment');
    if (commitment.supersededBy) throw new RuleError('That commitment has been corrected: use the corrected one.');
    return commitment;
  };

  return {
    async addCommitment(contractId: string, input: CommitmentInput, actor: Actor) {
      const contract = await buyerStaffOf(contractId, actor);
      const measure = await measureFor(contract, input.measureId);
      const body = {
        measureId: measure.id,
        measureCode: measure.code,
        targetQuantity: input.targetQuantity,
        reportingPeriod: input.reportingPeriod,
        proxyValuePence: measure.proxyValuePence,
      };
      const { entryId } = await record(actor, { contractId, kind: 'commitment', body }, async (tx, id) => {
        await repository.insertCommitment(tx, { id, contractId, ...body, createdAt: now() });
      });
      return entryId;
    },

    /** A new commitment entry that names the one it replaces; its results now count towards the new one. */
    async correctCommitment(contractId: string, commitmentId: string, input: CorrectionInput, actor: Actor) {
      const contract = await buyerStaffOf(contractId, actor);
      const old = await currentCommitment(contract, commitmentId);
      const measure = await measureFor(contract, input.measureId);
      const body = {
        measureId: measure.id,
        measureCode: measure.code,
        targetQuantity: input.targetQuantity,
        reportingPeriod: input.reportingPeriod,
        proxyValuePence: measure.proxyValuePence,
        reason: input.reason,
      };
      const entry = { contractId, kind: 'correction' as const, subjectId: old.id, correctsId: old.id, body };
      const { entryId } = await record(actor, entry, async (tx, id) => {
        const { reason: _reason, measureCode: _code, ...values } = body;
        await repository.insertCommitment(tx, { id, contractId, ...values, createdAt: now() });
        await repository.supersedeCommitment(tx, old.id, id);
        await repository.refreshCommitmentTotals(tx, old.id);
        await repository.refreshCommitmentTotals(tx, id);
      });
      return entryId;
    },

    async submitResult(contractId: string, input: ResultInput, files: Upload[], actor: Actor) {
      const contract = await delivererOf(contractId, actor);
      const commitment = await currentCommitment(contract, input.commitmentId);
      const checked = checkedFiles(files);
      const { commitmentId, ...figures } = input;
      const body = { ...figures, evidence: evidenceBody(checked) };
      const entry = { contractId, kind: 'result' as const, subjectId: commitment.id, body };
      const { entryId } = await record(actor, entry, async (tx, id) => {
        await repository.insertResult(tx, {
          id,
          commitmentId,
          contractId,
          ...figures,
          status: 'submitted',
          latestEntryId: id,
          submittedBy: actor.userId,
          submittedAt: now(),
        });
        await storeEvidence(tx, id, id, checked);
        await repository.refreshCommitmentTotals(tx, commitment.id);
      });
      return entryId;
    },

    async query(contractId: string, resultId: string, message: string, actor: Actor) {
      const contract = await buyerStaffOf(contractId, actor);
      const result = await resultOf(contract, resultId);
      if (result.status !== 'submitted') throw new RuleError('Only a result waiting for verification can be queried.');
      const entry = { contractId, kind: 'query' as const, subjectId: result.id, body: { message } };
      await record(actor, entry, async (tx, id) => {
        await repository.updateResult(tx, result.id, { status: 'queried', latestEntryId: id });
      });
    },

    /** The deliverer's answer to a query, with the figures resubmitted (changed or not) and any new evidence. */
    async respond(contractId: string, resultId: string, input: ResponseInput, files: Upload[], actor: Actor) {
      const contract = await delivererOf(contractId, actor);
      const result = await resultOf(contract, resultId);
      if (result.status !== 'queried') throw new RuleError('Only a queried result can be answered.');
      const checked = checkedFiles(files);
      const correctsId = (await repository.latestSubmissionEntry(db, result.id)) ?? result.id;
      const { message, ...figures } = input;
      const body = { message, ...figures, evidence: evidenceBody(checked) };
      const entry = { contractId, kind: 'response' as const, subjectId: result.id, correctsId, body };
      await record(actor, entry, async (tx, id) => {
        await repository.updateResult(tx, result.id, { ...figures, status: 'submitted', latestEntryId: id });
        await storeEvidence(tx, result.id, id, checked);
        await repository.refreshCommitmentTotals(tx, result.commitmentId);
      });
    },

    async verify(contractId: string, resultId: string, note: string, actor: Actor) {
      const contract = await buyerStaffOf(contractId, actor);
      const result = await resultOf(contract, resultId);
      if (result.status !== 'submitted') throw new RuleError('Only a result waiting for verification can be verified.');
      const body = { quantity: result.quantity, note };
      const entry = { contractId, kind: 'verification' as const, subjectId: result.id, body };
      await record(actor, entry, async (tx, id) => {
        await repository.updateResult(tx, result.id, { status: 'verified', latestEntryId: id, verifiedAt: now() });
        await repository.refreshCommitmentTotals(tx, result.commitmentId);
      });
    },

    /** An evidence file, for the contract's buyer and deliverer. */
    async evidenceFile(contractId: string, evidenceId: string, actor: Actor) {
      const { contract } = await contracts.findForActor(contractId, actor);
      const file = isUuid(evidenceId) ? await repository.findEvidence(db, contract.id, evidenceId) : undefined;
      if (!file) throw notFound('file');
      return file;
    },
  };
}
