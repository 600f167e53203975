import type { Database } from '../../db/client.ts';
import { verifyLedger } from './ledger.verify.ts';

/** `verify-ledger`: 0 and the count when the chain holds; 1 and the first broken entry when it does not. */
export async function verifyLedgerCommand(database: Database): Promise<number> {
  const started = performance.now();
  const verification = await verifyLedger(database);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (verification.holds) {
    console.log(
      `Ledger holds: ${verification.entries} entries (${verification.evidenceFiles} evidence files match), checked in ${seconds} s.`,
    );
    return 0;
  }
  const { problem } = verification;
  const where = problem.seq === null ? '' : ` at entry ${problem.seq}${problem.id ? ` (${problem.id})` : ''}`;
  console.error(`Ledger broken${where}: ${problem.message}`);
  console.error(`${verification.entries} entries before it hold.`);
  return 1;
}
