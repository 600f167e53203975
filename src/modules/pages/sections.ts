/** Sections of the service named in the navigation whose modules are still to come: what each will offer. */
type UpcomingSection = { title: string; summary: string; offers: string[] };

export const upcomingSections: Record<string, UpcomingSection> = {
  impact: {
    title: 'Impact',
    summary: 'One impact framework for Kent and Medway, and social value results that anyone can check.',
    offers: [
      'themes, outcomes and measures based on the UK government Social Value Model',
      'who delivers which outcomes, and where, as core or value-adding impact',
      'a public, tamper-evident ledger of social value delivered in each contract',
    ],
  },
  consortia: {
    title: 'Consortia',
    summary: 'Find partners and form consortia on fair terms, so that small organisations can bid together.',
    offers: [
      'partner search that finds organisations whose services and areas complement yours',
      'a fair-terms agreement and lead charter recorded with every consortium',
      'checks that flag payment terms and risk that would hurt small members',
    ],
  },
};
