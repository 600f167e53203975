-- Issue 6: an opportunity published without lots is bought as one lot, so that consortia can allocate its
-- districts (see addWholeLot in opportunities.service.ts). Those published before and still open or closed (not yet
-- awarded, so no award is left without its lot) get that lot now: named and valued as the opportunity, in its
-- districts, or in all thirteen of Kent and Medway when it names none.
INSERT INTO opportunity_lots (opportunity_id, title, description, value_pence, districts)
SELECT o.id, o.title, 'The whole opportunity, which is not divided into lots.', o.value_pence,
       CASE WHEN cardinality(o.districts) > 0 THEN o.districts
            ELSE ARRAY['E07000105', 'E07000106', 'E07000107', 'E07000108', 'E07000112', 'E07000109', 'E07000110',
                       'E06000035', 'E07000111', 'E07000113', 'E07000114', 'E07000115', 'E07000116'] END
  FROM opportunities o
 WHERE o.kind = 'opportunity' AND o.status IN ('published', 'closed')
   AND NOT EXISTS (SELECT 1 FROM opportunity_lots l WHERE l.opportunity_id = o.id);
