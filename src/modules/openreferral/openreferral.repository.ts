import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisations } from '../../db/schema.ts';

// Only public columns are ever selected: contact_name, contact_email, contact_phone, income and the rest of the
// private profile cannot reach the open data because they are never read here.
const publicColumns = {
  id: organisations.id,
  name: organisations.name,
  description: organisations.description,
  website: organisations.website,
  publicEmail: organisations.publicEmail,
  publicPhone: organisations.publicPhone,
  charityNumber: organisations.charityNumber,
  companyNumber: organisations.companyNumber,
  districts: organisations.districts,
  services: organisations.services,
  activities: organisations.activities,
  beneficiaries: organisations.beneficiaries,
  isDemo: organisations.isDemo,
  verifiedAt: organisations.verifiedAt,
  updatedAt: organisations.updatedAt,
};

export type PublishedOrganisation = {
  id: string;
  name: string;
  description: string;
  website: string | null;
  publicEmail: string | null;
  publicPhone: string | null;
  charityNumber: string | null;
  companyNumber: string | null;
  districts: string[];
  services: string[];
  activities: string[];
  beneficiaries: string[];
  isDemo: boolean;
  verifiedAt: Date | null;
  updatedAt: Date;
};

// The open data is the voluntary and community sector; public bodies are in the directory as commissioners.
const published = eq(organisations.sector, 'vcse');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listPublished(
  executor: Executor,
  { limit, offset }: { limit: number; offset: number },
): Promise<{ rows: PublishedOrganisation[]; total: number }> {
  const [rows, [total]] = await Promise.all([
    executor
      .select(publicColumns)
      .from(organisations)
      .where(published)
      .orderBy(asc(sql`lower(${organisations.name})`), asc(organisations.id))
      .limit(limit)
      .offset(offset),
    executor.select({ count: count() }).from(organisations).where(published),
  ]);
  return { rows, total: total?.count ?? 0 };
}

/** Undefined for an id that is not a UUID, so a malformed id is a 404 and never reaches PostgreSQL as one. */
export async function findPublished(executor: Executor, id: string): Promise<PublishedOrganisation | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await executor
    .select(publicColumns)
    .from(organisations)
    .where(and(eq(organisations.id, id), published));
  return row;
}
