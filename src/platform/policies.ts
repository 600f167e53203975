import type { CurrentUser } from './sessions.ts';

export type PolicyContext = {
  user: CurrentUser | null;
  params: Readonly<Record<string, string | undefined>>;
};

const isHubAdmin = (user: CurrentUser | null) => user?.roles.has('hub_admin') ?? false;
const membershipOf = ({ user, params }: PolicyContext) =>
  params.id === undefined ? undefined : user?.memberships.get(params.id);

/**
 * Who may do what. Every route names one of these in `config.policy`; a route without one stops the app
 * from starting. Policies that name an organisation read it from the route's `:id`.
 */
export const policies = {
  /** Anyone, signed in or not. */
  public: () => true,
  signedIn: ({ user }: PolicyContext) => user !== null,
  hubAdmin: ({ user }: PolicyContext) => isHubAdmin(user),
  /** Members and admins of the organisation; hub admins too, who moderate the directory. */
  organisationMember: (context: PolicyContext) => membershipOf(context) !== undefined || isHubAdmin(context.user),
  /** Admins of the organisation only: they speak for it. */
  organisationAdmin: (context: PolicyContext) => membershipOf(context) === 'admin',
  /** Commissioners and procurement officers; services check they belong to the buying body itself. */
  buyingStaff: ({ user }: PolicyContext) =>
    (user?.roles.has('commissioner') || user?.roles.has('procurement_officer')) ?? false,
  /** Views of the whole market for commissioning: buying staff, and hub admins who run the framework. */
  commissioningInsight: ({ user }: PolicyContext) =>
    (user?.roles.has('commissioner') || user?.roles.has('procurement_officer') || isHubAdmin(user)) ?? false,
} as const satisfies Record<string, (context: PolicyContext) => boolean>;

export type PolicyName = keyof typeof policies;

export function isPolicyName(name: unknown): name is PolicyName {
  return typeof name === 'string' && Object.hasOwn(policies, name);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: PolicyName;
    /** Static files: no session lookup, no CSRF token. */
    asset?: boolean;
  }
}
