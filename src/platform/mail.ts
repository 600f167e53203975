import { count, desc, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Executor } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

export type MailMessage = { to: string; subject: string; text: string };

export type Mailer = {
  /** 'smtp' sends through SMTP_URL; 'outbox' keeps mail in the database for hub admins to read. */
  kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
};

export function createMailer(options: { smtpUrl: string | undefined; baseUrl: string; db: Executor }): Mailer {
  if (!options.smtpUrl) {
    return {
      kind: 'outbox',
      send: async (message) => {
        await options.db
          .insert(outbox)
          .values({ toAddress: message.to, subject: message.subject, textBody: message.text });
      },
      close: () => {},
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  const from = `Working Connections <no-reply@${new URL(options.baseUrl).hostname}>`;
  return {
    kind: 'smtp',
    send: async (message) => {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}

export async function listOutbox(executor: Executor, { limit }: { limit: number }) {
  const [rows, [total]] = await Promise.all([
    executor.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(limit),
    executor.select({ count: count() }).from(outbox),
  ]);
  return { rows, total: total?.count ?? 0 };
}

export async function findOutboxMessage(executor: Executor, id: string) {
  const [row] = await executor.select().from(outbox).where(eq(outbox.id, id));
  return row;
}
