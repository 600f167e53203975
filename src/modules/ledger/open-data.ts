import { type Executor, sqlRunnerOf } from '../../db/client.ts';
import { publishDirectContractRelease, publishImplementationRelease } from '../transparency/transparency.ocds.ts';
import * as repository from './contracts.repository.ts';

/**
 * Brings the OCDS export of a published contract up to date, in the same transaction as the change: for one made
 * through the pipeline, an implementation release on its opportunity's process; for one entered directly, a
 * release of its own process. None when nothing it shows has changed, or the contract is not published.
 */
export async function publishOpenData(tx: Executor, contractId: string, date: Date) {
  const [contract] = await repository.publishedOpportunityOf(tx, contractId);
  if (contract) await publishImplementationRelease(sqlRunnerOf(tx), contract.opportunityId, date);
  else await publishDirectContractRelease(sqlRunnerOf(tx), contractId, date);
}
