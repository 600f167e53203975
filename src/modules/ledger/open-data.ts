import { type Executor, sqlRunnerOf } from '../../db/client.ts';
import { publishImplementationRelease } from '../transparency/transparency.ocds.ts';
import * as repository from './contracts.repository.ts';

/**
 * Brings the OCDS export of a published contract's opportunity up to date, in the same transaction as the change:
 * an implementation release with its commitments and results (none when nothing it shows has changed, or when the
 * contract did not come through the pipeline and so has no OCDS process).
 */
export async function publishOpenData(tx: Executor, contractId: string, date: Date) {
  const [contract] = await repository.publishedOpportunityOf(tx, contractId);
  if (contract) await publishImplementationRelease(sqlRunnerOf(tx), contract.opportunityId, date);
}
