import type { SqlRunner } from '../../db/client.ts';
import { formatPounds } from '../../platform/money.ts';
import { districtName } from '../geography/geography.ts';
import { formatSize, labelFor } from '../opportunities/documents/document-types.ts';
import * as repository from './consortia.repository.ts';
import { type Actor, type ConsortiaService, termsPartiesOf } from './consortia.service.ts';
import { documentsOf } from './consortium-documents.ts';
import { type FairnessFlag, type FairTerms, REFERRAL_ALLOCATION_LABELS } from './terms/index.ts';

const ROLE_LABELS: Record<repository.MemberRole, string> = {
  lead: 'Lead',
  partner: 'Partner',
  subcontractor: 'Subcontractor',
};
const STATUS_LABELS: Record<repository.MemberStatus, string> = {
  invited: 'Invited',
  accepted: 'Member',
  declined: 'Declined',
};
const percent = (basisPoints: number) => `${(basisPoints / 100).toLocaleString('en-GB')}%`;

/** Everything the consortium page shows, cut to what the person may see. */
export async function consortiumPage(
  sql: SqlRunner,
  consortia: ConsortiaService,
  id: string,
  actor: Actor | null,
  { find }: { find: string },
) {
  const { consortium, members, access } = await consortia.load(id, actor);
  const [terms, charters, decisions, lots, allocations, found, documents] = await Promise.all([
    access.seesTerms ? repository.termsVersions<FairTerms, FairnessFlag>(sql, id) : [],
    repository.charterVersions(sql, id),
    access.seesPrivate ? repository.decisionsOf(sql, id) : [],
    access.seesPrivate ? repository.lotsOf(sql, consortium.opportunity_id) : [],
    access.seesPrivate ? repository.allocationsOf(sql, id) : [],
    access.isLead && find ? repository.findVcseByName(sql, find) : [],
    access.seesPrivate ? documentsOf(sql, id) : [],
  ]);
  const visibleMembers = access.seesPrivate ? members : members.filter((member) => member.status === 'accepted');
  const accepted = members.filter((member) => member.status === 'accepted');
  const nameOf = new Map(members.map((member) => [member.organisation_id, member.name]));
  const ownerOf = new Map(allocations.map((cell) => [`${cell.lot_id}:${cell.district}`, cell.organisation_id]));
  const [latestTerms] = terms;
  const agreements = latestTerms ? await repository.termsAgreements(sql, id, latestTerms.version) : [];
  const agreedBy = new Map(agreements.map((agreement) => [agreement.organisation_id, agreement]));
  const parties = termsPartiesOf(members);
  return {
    title: consortium.name,
    consortium,
    access,
    members: visibleMembers.map((member) => ({
      ...member,
      roleLabel: ROLE_LABELS[member.role],
      statusLabel: STATUS_LABELS[member.status],
      cells: allocations.filter((cell) => cell.organisation_id === member.organisation_id).length,
    })),
    invitations: access.invitations.map((organisationId) => ({
      organisationId,
      name: nameOf.get(organisationId) ?? '',
    })),
    acceptedMembers: accepted,
    lots: lots.map((lot) => ({
      ...lot,
      value: lot.value_pence === null ? 'Not given' : formatPounds(lot.value_pence),
      cells: lot.districts.map((district) => ({
        field: `cell:${lot.id}:${district}`,
        district: districtName(district),
        owner: ownerOf.get(`${lot.id}:${district}`) ?? '',
      })),
    })),
    unallocated: lots.reduce(
      (count, lot) => count + lot.districts.filter((district) => !ownerOf.has(`${lot.id}:${district}`)).length,
      0,
    ),
    terms: latestTerms && {
      version: latestTerms.version,
      recordedAt: latestTerms.recorded_at,
      recordedBy: latestTerms.recorded_by_name,
      maxPaymentDays: latestTerms.terms.maxPaymentDays,
      managementFee: percent(latestTerms.terms.managementFeeBasisPoints),
      referral: REFERRAL_ALLOCATION_LABELS[latestTerms.terms.referralAllocation],
      pbr: latestTerms.terms.pbrShares.map((share) => ({
        name: nameOf.get(share.memberId) ?? 'A former member',
        share: percent(share.atRiskBasisPoints),
      })),
      riskSharing: latestTerms.terms.riskSharing,
      exitNoticeDays: latestTerms.terms.exitNoticeDays,
      exitTerms: latestTerms.terms.exitTerms,
      flags: latestTerms.flags,
      earlierVersions: terms.length - 1,
      agreed: parties.flatMap((member) => {
        const agreement = agreedBy.get(member.organisation_id);
        return agreement ? [{ name: member.name, at: agreement.agreed_at, by: agreement.agreed_by_name }] : [];
      }),
      waiting: parties.filter((member) => !agreedBy.has(member.organisation_id)).map((member) => member.name),
      // The person's own organisations that have still to agree to this version.
      canAgree: parties.some(
        (member) => actor?.organisationIds.includes(member.organisation_id) && !agreedBy.has(member.organisation_id),
      ),
    },
    charter: charters[0],
    charterVersions: charters.length,
    decisions,
    documents: documents.map((document) => ({
      ...document,
      size: formatSize(document.size_bytes),
      typeLabel: labelFor(document.content_type),
    })),
    found,
  };
}
