/** Sections of the service named in the navigation whose modules are still to come: what each will offer. */
type UpcomingSection = { title: string; summary: string; offers: string[] };

export const upcomingSections: Record<string, UpcomingSection> = {
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
