import type { FastifyRequest } from 'fastify';
import type { Database } from '../../db/client.ts';
import { HttpError } from '../../platform/errors.ts';
import { formatSize, labelFor } from '../opportunities/documents/document-types.ts';
import {
  periodOptions,
  presentCommitments,
  presentContract,
  presentEntries,
  presentResults,
} from './contracts.presenter.ts';
import * as repository from './contracts.repository.ts';
import type { Actor } from './contracts.rules.ts';
import type { contractsService } from './contracts.service.ts';

/** The acting person, from the request: who they are, where they belong, and whether they hold a buying role. */
export function contractActor(request: FastifyRequest): Actor {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  const roles = request.user.roles;
  return {
    userId: request.user.id,
    ip: request.ip,
    organisationIds: [...request.user.memberships.keys()],
    buyingStaff: roles.has('commissioner') || roles.has('procurement_officer'),
  };
}

/** Everything the contract page and a result's page show, for the buyer's staff and the deliverer's members. */
export async function contractPage(
  database: Database,
  contracts: ReturnType<typeof contractsService>,
  id: string,
  actor: Actor,
) {
  const found = await contracts.findForActor(id, actor);
  const { db } = database;
  const [commitmentRows, resultRows, entryRows, evidenceRows, measures] = await Promise.all([
    repository.listCommitments(db, found.contract.id),
    repository.listResults(db, found.contract.id),
    repository.listEntries(db, found.contract.id),
    repository.listEvidence(db, found.contract.id),
    found.roles.isBuyerStaff ? repository.measuresOfVersion(db, found.contract.frameworkVersionId) : [],
  ]);
  const commitments = presentCommitments(commitmentRows);
  return {
    title: found.contract.title,
    contract: presentContract(found),
    roles: found.roles,
    commitments,
    currentCommitments: commitments.filter((commitment) => commitment.current),
    results: presentResults(resultRows, commitments, found.roles),
    entries: presentEntries(entryRows),
    evidence: evidenceRows.map((file) => ({
      ...file,
      size: formatSize(file.sizeBytes),
      typeLabel: labelFor(file.contentType),
    })),
    measureOptions: measures.map((measure) => ({
      value: measure.id,
      text: `${measure.code} ${measure.title} (${measure.unit})`,
    })),
    periodOptions,
  };
}
export type ContractPage = Awaited<ReturnType<typeof contractPage>>;

/** One result of the contract with its thread of entries and evidence; 404 when the contract has no such result. */
export function resultPage(page: ContractPage, resultId: string) {
  const result = page.results.find((row) => row.id === resultId);
  if (!result) throw new HttpError(404, 'Page not found', 'There is no result at this address.');
  return {
    ...page,
    title: `Result for ${result.measure}`,
    result,
    thread: page.entries.filter((entry) => entry.id === result.id || entry.subjectId === result.id),
    files: page.evidence.filter((file) => file.resultId === result.id),
  };
}
