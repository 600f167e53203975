import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { outbox } from '../../src/db/schema.ts';

/** The newest message kept for an address, and the first link to this service in it. */
export async function latestMail(database: Database, to: string) {
  const [message] = await database.db
    .select()
    .from(outbox)
    .where(eq(outbox.toAddress, to))
    .orderBy(desc(outbox.createdAt))
    .limit(1);
  if (!message) throw new Error(`no mail to ${to}`);
  const link = /https?:\/\/\S+/.exec(message.textBody)?.[0];
  if (!link) throw new Error(`no link in "${message.subject}"`);
  return { ...message, link, path: new URL(link).pathname };
}

export async function mailCount(database: Database, to: string) {
  return (await database.db.select().from(outbox).where(eq(outbox.toAddress, to))).length;
}
