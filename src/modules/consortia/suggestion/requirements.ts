import { districts as allDistricts } from '../../geography/geography.ts';
import { serviceLabel } from '../../organisations/catalogue.ts';
import type { Lot, Opportunity } from './model.ts';

// What an opportunity asks for, as the suggestion's lots. Lots in the service carry areas and a value but no
// services: the opportunity's services apply to every lot. Each service of each lot becomes a lot of its own,
// so that a consortium can bring together organisations with different services, as consortia are formed to do;
// a requirement is then one service of one lot in one district. Its id is what the page (and the solver's
// reasons) call it.

export type LotRow = { id: string; title: string; valuePence: number | null; districts: string[] };
export type OpportunityRow = {
  services: string[];
  districts: string[];
  valuePence: number | null;
  outcomeCodes: string[];
};

/** One requirement lot: which of the opportunity's lots and which service. */
export type Part = { lotId: string | null; lotTitle: string | null; service: string };

/** An empty list of areas means all of Kent and Medway, as on the opportunity's page. */
const areasOf = (...lists: string[][]) =>
  lists.find((list) => list.length > 0) ?? allDistricts.map((district) => district.code);

/** Splits pence into `parts` whole amounts that add up to it, the first ones a penny larger. */
const split = (pence: number, parts: number) =>
  Array.from({ length: parts }, (_, at) => Math.floor(pence / parts) + (at < pence % parts ? 1 : 0));

export function requirementsOf(opportunity: OpportunityRow, lots: readonly LotRow[]) {
  const whole = [{ id: null, title: null, valuePence: opportunity.valuePence, districts: [] as string[] }];
  const bought = lots.length > 0 ? lots : whole;
  // Lots without a value share what the opportunity's value leaves over after those with one.
  const known = bought.reduce((sum, lot) => sum + (lot.valuePence ?? 0), 0);
  const unknown = bought.filter((lot) => lot.valuePence === null).length;
  const leftOver = split(Math.max(0, (opportunity.valuePence ?? 0) - known), Math.max(1, unknown));
  let nextLeftOver = 0;
  const parts = new Map<string, Part>();
  const names = new Set<string>();
  const solverLots = bought.flatMap((lot): Lot[] => {
    const value = lot.valuePence ?? (leftOver[nextLeftOver++] as number);
    const values = split(value, opportunity.services.length);
    return opportunity.services.map((service, at) => {
      let id = lot.title === null ? serviceLabel(service) : `${lot.title} (${serviceLabel(service)})`;
      for (let copy = 2; names.has(id); copy++) id = `${id.replace(/ \[\d+\]$/, '')} [${copy}]`;
      names.add(id);
      parts.set(id, { lotId: lot.id, lotTitle: lot.title, service });
      return {
        id,
        services: [service],
        districts: areasOf(lot.districts, opportunity.districts),
        valuePence: values[at] as number,
      };
    });
  });
  const problem: Opportunity = { lots: solverLots, outcomes: opportunity.outcomeCodes };
  return {
    opportunity: problem,
    parts,
    /** What the candidates must offer and serve, at least one of each. */
    needs: {
      services: opportunity.services,
      districts: [...new Set(solverLots.flatMap((lot) => lot.districts))],
    },
  };
}
