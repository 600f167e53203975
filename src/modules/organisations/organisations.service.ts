import type { Database } from '../../db/client.ts';
import type { organisations } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Mailer } from '../../platform/mail.ts';
import { paths } from '../../platform/paths.ts';
import type { CurrentUser } from '../../platform/sessions.ts';
import { hashToken, newToken } from '../../platform/tokens.ts';
import * as repository from './organisations.repository.ts';
import { type CreateOrganisationInput, type InvitationInput, organisationIdSchema } from './organisations.schema.ts';
import { type ProfileInput, profileFrom } from './profile.schema.ts';

const INVITATION_DAYS = 14;

type Actor = { userId: string; ip: string };

export function organisationsService({
  database,
  mailer,
  baseUrl,
}: {
  database: Database;
  mailer: Mailer;
  baseUrl: string;
}) {
  const { db } = database;

  return {
    /** undefined for an id that is not an organisation's, including one that is not a UUID at all. */
    async find(id: string) {
      return organisationIdSchema.safeParse(id).success ? repository.findOrganisation(db, id) : undefined;
    },

    organisationsOf: (userId: string) => repository.organisationsOfUser(db, userId),

    /** The person who registers an organisation becomes its first admin. */
    /** Field messages when another organisation already has this charity or company number. */
    async identifierClashes(
      identifiers: { charityNumber: string | null; companyNumber: string | null },
      exceptId?: string,
    ) {
      const clash = await repository.findIdentifierClash(db, identifiers, exceptId);
      if (!clash) return [];
      const pairs: [string, string][] = [];
      if (identifiers.charityNumber && clash.charityNumber === identifiers.charityNumber) {
        pairs.push([
          'charityNumber',
          `${clash.name} already has charity number ${clash.charityNumber}. Ask its admin to invite you`,
        ]);
      }
      if (identifiers.companyNumber && clash.companyNumber === identifiers.companyNumber) {
        pairs.push([
          'companyNumber',
          `${clash.name} already has company number ${clash.companyNumber}. Ask its admin to invite you`,
        ]);
      }
      return pairs;
    },

    async create(input: CreateOrganisationInput, actor: Actor) {
      return db.transaction(async (tx) => {
        const organisation = await repository.insertOrganisation(tx, { ...input, createdBy: actor.userId });
        await repository.upsertMember(tx, organisation.id, actor.userId, 'admin');
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: 'organisation.created',
          subjectType: 'organisation',
          subjectId: organisation.id,
          details: { name: input.name },
          ip: actor.ip,
        });
        return organisation;
      });
    },

    /** Saves an admin's edit of the profile; the audit entry names the fields that changed. */
    async updateProfile(organisation: typeof organisations.$inferSelect, input: ProfileInput, actor: Actor) {
      const before = repository.profileColumns(profileFrom(organisation));
      const after = repository.profileColumns(input);
      const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
        (key) => key !== 'searchKeywords' && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
      );
      await db.transaction(async (tx) => {
        await repository.updateProfile(tx, organisation.id, input);
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: 'organisation.profile_updated',
          subjectType: 'organisation',
          subjectId: organisation.id,
          details: { changed },
          ip: actor.ip,
        });
      });
      return changed;
    },

    async setVerified(organisationId: string, verified: boolean, actor: Actor) {
      await db.transaction(async (tx) => {
        await repository.setVerified(tx, organisationId, verified ? actor.userId : null);
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: verified ? 'organisation.verified' : 'organisation.unverified',
          subjectType: 'organisation',
          subjectId: organisationId,
          ip: actor.ip,
        });
      });
    },

    async membersPage(organisationId: string) {
      const [members, invitations] = await Promise.all([
        repository.listMembers(db, organisationId),
        repository.pendingInvitations(db, organisationId),
      ]);
      return { members, invitations };
    },

    async invite(organisation: { id: string; name: string }, input: InvitationInput, actor: Actor) {
      const token = newToken();
      await db.transaction(async (tx) => {
        const invitation = await repository.insertInvitation(tx, {
          organisationId: organisation.id,
          email: input.email,
          role: input.role,
          tokenHash: hashToken(token),
          invitedBy: actor.userId,
          days: INVITATION_DAYS,
        });
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: 'organisation.member_invited',
          subjectType: 'organisation',
          subjectId: organisation.id,
          details: { invitationId: invitation.id, email: input.email, role: input.role },
          ip: actor.ip,
        });
      });
      await mailer.send({
        to: input.email,
        subject: `You are invited to join ${organisation.name} on Working Connections`,
        text: `You have been invited to join ${organisation.name} on Working Connections as ${input.role === 'admin' ? 'an admin' : 'a member'}.\n\nAccept the invitation:\n\n${baseUrl}${paths.organisations.acceptInvitation({ token })}\n\nYou will need to sign in, or create an account with this email address. The invitation expires in ${INVITATION_DAYS} days.\n\nWorking Connections`,
      });
    },

    findInvitation: (token: string) => repository.findOpenInvitation(db, token),

    /** Only the person the invitation was sent to can accept it. */
    async acceptInvitation(token: string, user: CurrentUser, ip: string) {
      return db.transaction(async (tx) => {
        const invitation = await repository.findOpenInvitation(tx, token);
        if (!invitation) return { ok: false as const, reason: 'expired' as const };
        if (invitation.email.toLowerCase() !== user.email.toLowerCase())
          return { ok: false as const, reason: 'wrong_person' as const };
        if (!(await repository.markInvitationAccepted(tx, invitation.id, user.id)))
          return { ok: false as const, reason: 'expired' as const };
        // An existing admin keeps admin rights when accepting a member invitation.
        const role = user.memberships.get(invitation.organisationId) === 'admin' ? 'admin' : invitation.role;
        await repository.upsertMember(tx, invitation.organisationId, user.id, role);
        await recordAudit(tx, {
          actorUserId: user.id,
          action: 'organisation.invitation_accepted',
          subjectType: 'organisation',
          subjectId: invitation.organisationId,
          details: { invitationId: invitation.id, role },
          ip,
        });
        return {
          ok: true as const,
          organisationId: invitation.organisationId,
          organisationName: invitation.organisationName,
        };
      });
    },
  };
}
