// Every URL the service builds comes from here, so a renamed route is one change and links cannot drift.

const withQuery = (path: string, query: Record<string, string | undefined>) => {
  const search = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  return search ? `${path}?${search}` : path;
};

export const paths = {
  home: () => '/',
  health: () => '/health',
  accessibility: () => '/accessibility',
  privacy: () => '/privacy',
  cookies: () => '/cookies',
  account: {
    register: () => '/register',
    registered: () => '/register/check-your-email',
    verifyEmail: ({ token }: { token: string }) => `/verify-email/${token}`,
    resendVerification: () => '/verify-email/resend',
    signIn: (query: { next?: string } = {}) => withQuery('/sign-in', query),
    signOut: () => '/sign-out',
    forgotPassword: () => '/forgot-password',
    forgotPasswordSent: () => '/forgot-password/check-your-email',
    resetPassword: ({ token }: { token: string }) => `/reset-password/${token}`,
    show: () => '/account',
    changePassword: () => '/account/password',
    alerts: () => '/account/alerts',
  },
  alerts: { unsubscribe: ({ token }: { token: string }) => `/alerts/unsubscribe/${token}` },
  impactFramework: {
    index: () => '/impact',
    version: ({ version }: { version: number }) => `/impact/framework/versions/${version}`,
    json: ({ version }: { version: number }) => `/impact/framework/versions/${version}/framework.json`,
    csv: ({ version }: { version: number }) => `/impact/framework/versions/${version}/framework.csv`,
  },
  organisations: {
    index: (query: { page?: string } = {}) => withQuery('/directory', query),
    csv: () => '/directory.csv',
    edit: ({ id }: { id: string }) => `/organisations/${id}/edit`,
    verify: ({ id }: { id: string }) => `/organisations/${id}/verification`,
    new: () => '/organisations/new',
    show: ({ id }: { id: string }) => `/organisations/${id}`,
    members: ({ id }: { id: string }) => `/organisations/${id}/members`,
    invite: ({ id }: { id: string }) => `/organisations/${id}/invitations`,
    acceptInvitation: ({ token }: { token: string }) => `/invitations/${token}`,
  },
  matching: {
    forOrganisation: ({ id }: { id: string }) => `/organisations/${id}/opportunities`,
    newCalendar: ({ id }: { id: string }) => `/organisations/${id}/calendar`,
    calendar: ({ token }: { token: string }) => `/calendars/${token}/deadlines.ics`,
    fits: ({ id }: { id: string }) => `/opportunities/${id}/organisations-that-fit`,
    deadline: ({ id }: { id: string }) => `/opportunities/${id}/deadline.ics`,
    atom: () => '/opportunities.atom',
  },
  organisationImpact: {
    show: ({ id }: { id: string }) => `/organisations/${id}/impact`,
    outcomes: ({ id }: { id: string }) => `/organisations/${id}/impact/outcomes`,
    results: ({ id }: { id: string }) => `/organisations/${id}/impact/results`,
    removeResult: ({ id }: { id: string }) => `/organisations/${id}/impact/results/remove`,
  },
  impactCoverage: {
    index: (query: { outcome?: string; kind?: string } = {}) => withQuery('/impact/coverage', query),
    csv: () => '/impact/coverage.csv',
  },
  impactComparison: (query: { organisations?: string[]; q?: string } = {}) => {
    const search = new URLSearchParams();
    for (const id of query.organisations ?? []) search.append('organisations', id);
    if (query.q) search.append('q', query.q);
    const text = search.toString();
    return text ? `/impact/compare?${text}` : '/impact/compare';
  },
  opportunities: {
    index: (query: Record<string, string | undefined> = {}) => withQuery('/opportunities', query),
    mine: () => '/opportunities/mine',
    new: () => '/opportunities/new',
    show: ({ id }: { id: string }) => `/opportunities/${id}`,
    edit: ({ id }: { id: string }) => `/opportunities/${id}/edit`,
    lots: ({ id }: { id: string }) => `/opportunities/${id}/lots`,
    removeLot: ({ id }: { id: string }) => `/opportunities/${id}/lots/remove`,
    status: ({ id }: { id: string }) => `/opportunities/${id}/status`,
    award: ({ id }: { id: string }) => `/opportunities/${id}/award`,
    documents: ({ id }: { id: string }) => `/opportunities/${id}/documents`,
    document: ({ id, documentId }: { id: string; documentId: string }) =>
      `/opportunities/${id}/documents/${documentId}`,
    questions: ({ id }: { id: string }) => `/opportunities/${id}/questions`,
    answer: ({ id, questionId }: { id: string; questionId: string }) =>
      `/opportunities/${id}/questions/${questionId}/answer`,
  },
  socialValue: {
    index: (query: Record<string, string | undefined> = {}) => withQuery('/social-value', query),
    csv: () => '/social-value.csv',
    resultsCsv: () => '/social-value/results.csv',
    contract: ({ id }: { id: string }) => `/social-value/contracts/${id}`,
    contractCsv: ({ id }: { id: string }) => `/social-value/contracts/${id}/results.csv`,
  },
  contracts: {
    index: () => '/contracts',
    new: () => '/contracts/new',
    show: ({ id }: { id: string }) => `/contracts/${id}`,
    publish: ({ id }: { id: string }) => `/contracts/${id}/publish`,
    commitments: ({ id }: { id: string }) => `/contracts/${id}/commitments`,
    correct: ({ id, commitmentId }: { id: string; commitmentId: string }) =>
      `/contracts/${id}/commitments/${commitmentId}/correct`,
    newResult: ({ id }: { id: string }) => `/contracts/${id}/results/new`,
    results: ({ id }: { id: string }) => `/contracts/${id}/results`,
    result: ({ id, resultId }: { id: string; resultId: string }) => `/contracts/${id}/results/${resultId}`,
    query: ({ id, resultId }: { id: string; resultId: string }) => `/contracts/${id}/results/${resultId}/query`,
    respond: ({ id, resultId }: { id: string; resultId: string }) => `/contracts/${id}/results/${resultId}/respond`,
    verify: ({ id, resultId }: { id: string; resultId: string }) => `/contracts/${id}/results/${resultId}/verify`,
    evidence: ({ id, evidenceId }: { id: string; evidenceId: string }) => `/contracts/${id}/evidence/${evidenceId}`,
  },
  consortia: {
    index: () => '/consortia',
    new: ({ opportunityId }: { opportunityId: string }) => `/opportunities/${opportunityId}/consortia/new`,
    show: ({ id }: { id: string }) => `/consortia/${id}`,
    members: ({ id }: { id: string }) => `/consortia/${id}/members`,
    answer: ({ id, organisationId }: { id: string; organisationId: string }) =>
      `/consortia/${id}/members/${organisationId}/answer`,
    allocations: ({ id }: { id: string }) => `/consortia/${id}/allocations`,
    terms: ({ id }: { id: string }) => `/consortia/${id}/terms`,
    agreeTerms: ({ id }: { id: string }) => `/consortia/${id}/terms/agree`,
    charter: ({ id }: { id: string }) => `/consortia/${id}/charter`,
    decisions: ({ id }: { id: string }) => `/consortia/${id}/decisions`,
    listing: ({ id }: { id: string }) => `/consortia/${id}/listing`,
    bid: ({ id }: { id: string }) => `/consortia/${id}/bid`,
    documents: ({ id }: { id: string }) => `/consortia/${id}/documents`,
    document: ({ id, documentId }: { id: string; documentId: string }) => `/consortia/${id}/documents/${documentId}`,
    cashflow: ({ id }: { id: string }) => `/consortia/${id}/cashflow`,
    partners: ({ id }: { id: string }) => `/consortia/${id}/partners`,
    rating: ({ id }: { id: string }) => `/consortia/${id}/rating`,
    suggestion: ({ opportunityId }: { opportunityId: string }) =>
      `/opportunities/${opportunityId}/consortium-suggestion`,
  },
  partners: {
    new: ({ opportunityId }: { opportunityId: string }) => `/opportunities/${opportunityId}/partners/new`,
    show: ({ id }: { id: string }) => `/partner-requests/${id}`,
    replies: ({ id }: { id: string }) => `/partner-requests/${id}/replies`,
    withdraw: ({ id }: { id: string }) => `/partner-requests/${id}/withdraw`,
    search: ({ id }: { id: string }) => `/partner-requests/${id}/partners`,
  },
  openReferral: {
    services: (query: { page?: string; per_page?: string } = {}) => withQuery('/openreferral/services', query),
    service: ({ id }: { id: string }) => `/openreferral/services/${id}`,
    organizations: (query: { page?: string; per_page?: string } = {}) =>
      withQuery('/openreferral/organizations', query),
  },
  api: {
    organisations: () => '/api/v1/organisations',
    organisation: ({ id }: { id: string }) => `/api/v1/organisations/${id}`,
    ocdsReleases: (query: { page?: string; pageSize?: string } = {}) => withQuery('/api/v1/ocds/releases', query),
    ocdsRecord: ({ ocid }: { ocid: string }) => `/api/v1/ocds/records/${encodeURIComponent(ocid)}`,
  },
  admin: {
    index: () => '/admin',
    users: (query: { q?: string } = {}) => withQuery('/admin/users', query),
    userRoles: ({ id }: { id: string }) => `/admin/users/${id}/roles`,
    audit: (query: { page?: string } = {}) => withQuery('/admin/audit', query),
    outbox: () => '/admin/outbox',
    ledger: () => '/admin/ledger',
    fairness: () => '/admin/consortia/fair-terms',
    outboxMessage: ({ id }: { id: string }) => `/admin/outbox/${id}`,
    imports: { organisations: () => '/admin/imports/organisations', ocds: () => '/admin/imports/ocds' },
    ocdsParties: () => '/admin/ocds/parties',
    ocdsParty: ({ ocid, partyId }: { ocid: string; partyId: string }) =>
      `/admin/ocds/parties/${encodeURIComponent(ocid)}/${encodeURIComponent(partyId)}`,
    impactFramework: () => '/admin/impact/framework',
  },
} as const;

/** Only same-site paths may be used as a redirect target after sign-in. */
export function safeNextPath(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : undefined;
}
