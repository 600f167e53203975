import { consortiaService } from '../../modules/consortia/consortia.service.ts';
import type { FairTerms } from '../../modules/consortia/terms/index.ts';
import type { Database } from '../client.ts';
import { adminOrganisationOf, type ConsortiumOpportunity, demoActor } from './demo-opportunities.ts';

// Three demo consortia on open demo opportunities, led by the organisations of demo org admins and formed through
// the service: one on fair terms that has bid and is listed, one whose terms the fair-terms checks flag, and one
// still forming, with an invitation open to org.admin1's organisation so that that demo user has one to answer.

type Invitee = { admin: string; role: 'partner' | 'subcontractor'; answered: boolean };
type DemoConsortium = {
  opportunity: ConsortiumOpportunity;
  name: string;
  leadAdmin: string;
  invitees: Invitee[];
  /** Invites a volunteer-led or one-staff group too, answered by this demo admin, who joins it to do so. */
  smallMemberAdmin?: string;
  /** The terms, given the small group when there is one. */
  terms?: (small: string | undefined) => FairTerms;
  decision?: string;
  bidsAndLists: boolean;
};

const CONSORTIA: DemoConsortium[] = [
  {
    opportunity: 'befriending',
    name: 'East Kent Befriending Partnership (demo)',
    leadAdmin: 'org.admin6@demo.example.org',
    invitees: [
      { admin: 'org.admin2@demo.example.org', role: 'partner', answered: true },
      { admin: 'org.admin10@demo.example.org', role: 'subcontractor', answered: true },
    ],
    terms: () => ({
      maxPaymentDays: 30,
      managementFeeBasisPoints: 8_00,
      referralAllocation: 'needs_based_matching',
      pbrShares: [],
      riskSharing: 'No payment depends on results: members are paid in full for the sessions they deliver.',
      exitNoticeDays: 90,
      exitTerms: 'Three months’ notice; clients are handed over with their consent and members are paid to the end.',
    }),
    decision: 'Agreed to bid for both lots, with referrals matched to need by the shared assessment (demo).',
    bidsAndLists: true,
  },
  {
    opportunity: 'prescribing',
    name: 'Medway Navigators Alliance (demo)',
    leadAdmin: 'org.admin7@demo.example.org',
    invitees: [{ admin: 'org.admin3@demo.example.org', role: 'partner', answered: true }],
    smallMemberAdmin: 'org.admin9@demo.example.org',
    // Terms as a first draft might put them: slow payment, and results risk on the smallest member.
    terms: (small) => ({
      maxPaymentDays: 60,
      managementFeeBasisPoints: 12_00,
      referralAllocation: 'rotation',
      pbrShares: small ? [{ memberId: small, atRiskBasisPoints: 20_00 }] : [],
      riskSharing: 'Each member carries the results payment for its own referrals.',
      exitNoticeDays: 90,
      exitTerms: 'Three months’ notice on either side.',
    }),
    decision: 'To review the draft terms at the next meeting before anyone signs (demo).',
    bidsAndLists: false,
  },
  {
    opportunity: 'peerSupport',
    name: 'Kent Peer Support Network (demo)',
    leadAdmin: 'org.admin8@demo.example.org',
    invitees: [
      { admin: 'org.admin5@demo.example.org', role: 'partner', answered: true },
      { admin: 'org.admin1@demo.example.org', role: 'partner', answered: false },
    ],
    bidsAndLists: false,
  },
];

/** A volunteer-led or one-staff demo group, outside the demo admins' own organisations, for the flagged terms. */
async function smallGroup(database: Database): Promise<string | undefined> {
  const [row] = await database.query<{ id: string }>(
    `SELECT o.id FROM organisations o
      WHERE o.is_demo AND o.sector = 'vcse' AND o.tier IN (1, 2)
        AND NOT EXISTS (SELECT 1 FROM organisation_members m WHERE m.organisation_id = o.id)
      ORDER BY o.tier DESC, md5(o.name) LIMIT 1`,
  );
  return row?.id;
}

/** Adds the demo consortia to the opportunities given; returns how many were made. */
export async function seedDemoConsortia(
  database: Database,
  opportunities: ReadonlyMap<ConsortiumOpportunity, string>,
): Promise<number> {
  const service = consortiaService({ database });
  let made = 0;
  for (const demo of CONSORTIA) {
    const opportunityId = opportunities.get(demo.opportunity);
    const lead = await demoActor(database, demo.leadAdmin);
    const leadId = await adminOrganisationOf(database, demo.leadAdmin);
    if (!opportunityId || !lead || !leadId) continue;
    const { id } = await service.create({ opportunityId, leadOrganisationId: leadId, name: demo.name }, lead);
    const accepted = [leadId];
    // The people who answer for the accepted members: they agree to the terms before the consortium bids.
    const memberActors: NonNullable<Awaited<ReturnType<typeof demoActor>>>[] = [];
    for (const invitee of demo.invitees) {
      const organisationId = await adminOrganisationOf(database, invitee.admin);
      const member = await demoActor(database, invitee.admin);
      if (!organisationId || !member) continue;
      await service.invite(id, { organisationId, role: invitee.role }, lead);
      if (!invitee.answered) continue;
      await service.answer(id, organisationId, true, member);
      accepted.push(organisationId);
      memberActors.push(member);
    }
    const small = demo.smallMemberAdmin ? await smallGroup(database) : undefined;
    if (demo.smallMemberAdmin && small) {
      // The group has no demo user of its own: a demo admin who also volunteers for it answers for it.
      await database.query(
        `INSERT INTO organisation_members (organisation_id, user_id, role)
         SELECT $1, id, 'member' FROM users WHERE email = $2`,
        [small, demo.smallMemberAdmin],
      );
      const volunteer = await demoActor(database, demo.smallMemberAdmin);
      await service.invite(id, { organisationId: small, role: 'subcontractor' }, lead);
      if (volunteer) {
        await service.answer(id, small, true, volunteer);
        memberActors.push(volunteer);
      }
      accepted.push(small);
    }
    if (accepted.length > 1) await service.allocate(id, await allocationFor(database, opportunityId, accepted), lead);
    if (demo.terms) {
      await service.recordTerms(id, demo.terms(small), lead);
      await service.recordCharter(
        id,
        {
          leadDelivers: true,
          leadDelivery: 'The lead delivers only in the district where it is based, alongside its members (demo).',
          conflictsOfInterest: 'None declared (demo).',
          willNotCompete: true,
        },
        lead,
      );
    }
    if (demo.decision) await service.recordDecision(id, demo.decision, lead);
    if (demo.bidsAndLists) {
      for (const member of memberActors) await service.agreeTerms(id, 1, member);
      await service.bid(id, lead);
      await service.setListed(id, true, lead);
    }
    made += 1;
  }
  return made;
}

/** Every lot in every district, shared out in turn among the members who accepted. */
async function allocationFor(database: Database, opportunityId: string, members: readonly string[]) {
  const lots = await database.query<{ id: string; districts: string[] }>(
    'SELECT id, districts FROM opportunity_lots WHERE opportunity_id = $1 ORDER BY title',
    [opportunityId],
  );
  const cells = lots.flatMap((lot) => lot.districts.map((district) => ({ lot_id: lot.id, district })));
  return cells.map((cell, index) => ({ ...cell, organisation_id: members[index % members.length] as string }));
}
