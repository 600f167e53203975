import type { Database } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Mailer } from '../../platform/mail.ts';
import { paths } from '../../platform/paths.ts';
import { newToken } from '../../platform/tokens.ts';
import { findOpportunity } from '../opportunities/opportunities.repository.ts';
import * as repository from './alerts.repository.ts';
import type { Frequency } from './alerts.tables.ts';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const ukDate = (date: Date | null) =>
  date ? date.toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' }) : 'none';

/** The ISO week a moment falls in, such as 2026-W48: the unit a digest is sent once per. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

type Options = { database: Database; mailer: Mailer; baseUrl: string; now?: () => Date };
type Actor = { userId: string; ip: string | null };

/** E-mail alerts about opportunities that fit a person's organisations: at once, weekly or never. */
export function alertsService({ database, mailer, baseUrl, now = () => new Date() }: Options) {
  const { db } = database;
  const link = (path: string) => new URL(path, baseUrl).toString();
  const footer = (token: string) =>
    `You get this because of your alert settings: ${link(paths.account.alerts())}\n` +
    `To stop all alerts, use this link: ${link(paths.alerts.unsubscribe({ token }))}`;

  async function setFrequency(actor: Actor, frequency: Frequency, action: string) {
    await db.transaction(async (tx) => {
      await repository.savePreference(tx, actor.userId, frequency, newToken());
      await recordAudit(tx, {
        ...actor,
        actorUserId: actor.userId,
        action,
        subjectType: 'user',
        subjectId: actor.userId,
        details: { frequency },
      });
    });
  }

  return {
    async frequencyOf(userId: string): Promise<Frequency> {
      return (await repository.findPreference(db, userId))?.frequency ?? 'none';
    },

    setFrequency: (actor: Actor, frequency: Frequency) => setFrequency(actor, frequency, 'alerts.preferences'),

    /** Who an unsubscribe link belongs to, or undefined for a link that was never ours. */
    findByToken: (token: string) => repository.findByUnsubscribeToken(db, token),

    async unsubscribe(token: string, ip: string | null) {
      const preference = await repository.findByUnsubscribeToken(db, token);
      if (!preference) return false;
      await setFrequency({ userId: preference.userId, ip }, 'none', 'alerts.unsubscribe');
      return true;
    },

    /** Call after the publishing transaction has committed: mail is never sent for a change that was rolled back. */
    async opportunityPublished(opportunityId: string) {
      const opportunity = await findOpportunity(db, opportunityId);
      if (opportunity?.status !== 'published') return 0;
      const recipients = await repository.immediateRecipients(db, opportunityId);
      for (const person of recipients) {
        await mailer.send({
          to: person.email,
          subject: `New opportunity: ${opportunity.title}`,
          text: [
            `Hello ${person.displayName},`,
            `${opportunity.buyerName} has published an opportunity that fits your organisation:`,
            `${opportunity.title}\nClosing: ${ukDate(opportunity.submissionDeadline)}\n${link(paths.opportunities.show({ id: opportunity.id }))}`,
            footer(person.unsubscribeToken),
          ].join('\n\n'),
        });
      }
      return recipients.length;
    },

    /**
     * Sends this week's digest to everyone on weekly alerts who has not had it yet: the opportunities published in
     * the last seven days that fit their organisations. People with nothing new are recorded but not mailed.
     */
    async sendDigests() {
      const at = now();
      const week = isoWeek(at);
      let sent = 0;
      let skipped = 0;
      for (const person of await repository.digestRecipients(db, week)) {
        const fitting = await repository.fittingSince(db, person.userId, new Date(at.getTime() - WEEK_MS));
        const ids = fitting.map((opportunity) => opportunity.id);
        if (!(await repository.claimDigest(db, person.userId, week, ids))) continue;
        if (fitting.length === 0) {
          skipped += 1;
          continue;
        }
        const list = fitting
          .map(
            (opportunity) =>
              `${opportunity.title}\nClosing: ${ukDate(opportunity.submissionDeadline)}\n${link(paths.opportunities.show({ id: opportunity.id }))}`,
          )
          .join('\n\n');
        try {
          await mailer.send({
            to: person.email,
            subject: `${fitting.length} new ${fitting.length === 1 ? 'opportunity' : 'opportunities'} this week`,
            text: [
              `Hello ${person.displayName},`,
              'Published in the last week, fitting your organisations:',
              list,
              footer(person.unsubscribeToken),
            ].join('\n\n'),
          });
          sent += 1;
        } catch (error) {
          await repository.releaseDigest(db, person.userId, week);
          throw error;
        }
      }
      return { week, sent, skipped };
    },
  };
}
