import { type Executor, sqlRunnerOf } from '../../db/client.ts';
import { subcontractorsOf } from '../consortia/consortia.repository.ts';
import { listDocuments } from './documents/documents.repository.ts';
import { buildRelease, extensionsOf, tagsFor } from './opportunities.ocds.ts';
import * as repository from './opportunities.repository.ts';

export type Change = Parameters<typeof tagsFor>[1];

/**
 * Publishes one OCDS release for a change, inside the caller's transaction, then recompiles the record with the
 * OCDS module's merging rules, so the data spine never lags the page.
 */
async function packageIdOf(tx: Executor, details: Record<string, unknown>) {
  const [row] = await sqlRunnerOf(tx).query<{ id: string }>('SELECT ocds_package_id($1::jsonb)::text AS id', [
    JSON.stringify(details),
  ]);
  return row ? Number(row.id) : null;
}

export async function publishRelease(tx: Executor, opportunityId: string, change: Change, date: Date) {
  // Release ids count the process's releases: two changes at once take turns, so each gets its own.
  const opportunity = await repository.findOpportunityForUpdate(tx, opportunityId);
  if (!opportunity) throw new Error(`opportunity ${opportunityId} vanished inside its own transaction`);
  // One after another: a transaction's statements share its one connection.
  const lots = await repository.listLots(tx, opportunityId);
  const awards = await repository.listAwards(tx, opportunityId);
  const count = await repository.countReleases(tx, opportunity.ocid);
  const documents = await listDocuments(tx, opportunityId);
  const consortiumIds = awards.flatMap((award) => (award.consortiumId ? [award.consortiumId] : []));
  const subcontractors = consortiumIds.length ? await subcontractorsOf(sqlRunnerOf(tx), consortiumIds) : [];
  const tags = tagsFor(opportunity, change);
  // One release per change: the n-th change to a process is `${ocid}-${n}`.
  const releaseId = `${opportunity.ocid}-${count + 1}`;
  const release = buildRelease({
    opportunity,
    buyerName: opportunity.buyerName,
    lots,
    awards: awards.map((award) => ({
      ...award,
      subcontractors: subcontractors.filter((member) => member.consortium_id === award.consortiumId),
    })),
    releaseId,
    date,
    tags,
    documents,
  });
  await repository.insertRelease(tx, {
    ocid: opportunity.ocid,
    releaseId,
    date,
    tags,
    source: 'platform',
    // Declared in the package, so that the export names the extensions whose fields the release uses.
    packageId: await packageIdOf(tx, { extensions: extensionsOf(release) }),
    // Stored as JSON would serialise it: fields left undefined are simply absent.
    release: JSON.parse(JSON.stringify(release)),
  });
  await repository.recompileRecord(tx, opportunity.ocid);
}
