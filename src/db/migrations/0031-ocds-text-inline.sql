-- A release or compiled release is a few kilobytes of JSON. Stored as PostgreSQL does by default, each one over
-- about 2 kB is compressed and moved to a TOAST table; lz4 shrinks such short documents little (the table was
-- 24 MB for ten thousand releases compressed, 35 MB whole), while compressing them was about 40% of the server's
-- time storing an import. Rows up to a full page are kept whole in the table's own pages instead; larger
-- documents are still compressed and moved as before. Rows already stored stay as they are until rewritten.
ALTER TABLE ocds_releases SET (toast_tuple_target = 8160);
ALTER TABLE ocds_records SET (toast_tuple_target = 8160);
