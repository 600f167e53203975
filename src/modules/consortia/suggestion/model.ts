import type { Tier } from '../../organisations/tiers.ts';

/** One lot of an opportunity: what it needs delivered, where, and what it is worth. */
export type Lot = {
  id: string;
  /** Service codes; an organisation must offer every one of them to deliver the lot. */
  services: readonly string[];
  /** District codes where the lot is delivered. */
  districts: readonly string[];
  valuePence: number;
  /** Optional value of the lot in each district; otherwise the value is split evenly over its districts. */
  valueByDistrictPence?: Readonly<Record<string, number>>;
};

export type Opportunity = {
  lots: readonly Lot[];
  /** Outcome codes the buyer asks for, from the current impact framework. */
  outcomes: readonly string[];
};

/** A directory organisation as the suggestion sees it. */
export type Candidate = {
  id: string;
  name: string;
  tier: Tier | null;
  services: readonly string[];
  districts: readonly string[];
  homeDistrict?: string;
  /** 0 to 1: how ready the organisation is to bid (profile, policies, insurance and the like). */
  readiness: number;
  coreOutcomes: readonly string[];
  valueAddingOutcomes: readonly string[];
  /** 0 to 5: how past partners rate it as a lead, or null when it has not led before. */
  leadRating: number | null;
  canLead: boolean;
};

/** Points per cell for each preference, and the cost of a member; see problem.ts for the scale. */
export type Weights = {
  /** Per tenth of readiness. */
  readiness: number;
  /** Per required outcome that is one of the organisation's core outcomes (a value-adding one counts a third). */
  coreOutcome: number;
  valueAddingOutcome: number;
  /** When the cell's district is the organisation's home district. */
  local: number;
  /** When the organisation's tier can take on a lot of this value. */
  reach: number;
  /** Per star of the lead's rating, in whole-contract points (see problem.ts). */
  leadStar: number;
  /** The cost of each member, in whole-contract points: keeps consortia small. */
  member: number;
};

export type Options = {
  maxMembers: number;
  /** The least share of the contract value each member must deliver, in per cent. */
  minSharePercent: number;
  weights: Weights;
};

export const DEFAULT_WEIGHTS: Weights = {
  readiness: 1,
  coreOutcome: 3,
  valueAddingOutcome: 1,
  local: 5,
  reach: 3,
  leadStar: 0.2,
  member: 0.5,
};

export const DEFAULT_OPTIONS: Options = { maxMembers: 8, minSharePercent: 5, weights: DEFAULT_WEIGHTS };

/** A requirement: one lot in one district. */
export type Cell = { lot: number; lotId: string; district: string; valuePence: number };

/** Who delivers each cell and who leads: indices into the problem's candidates; -1 for none. */
export type Assignment = { owner: Int32Array; lead: number };
