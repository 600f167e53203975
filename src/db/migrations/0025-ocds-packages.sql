-- The package details a release came with (publisher, licence, extensions) are the same for every release of a
-- file: kept once, and each release points at them. Storing them on every row cost the import as much as a
-- third of its time on the database; a file of ten thousand releases now adds one package row.
CREATE TABLE ocds_packages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Of the jsonb text, so that the same details are one row whichever way they were written.
  sha256 text NOT NULL UNIQUE,
  package jsonb NOT NULL
);

INSERT INTO ocds_packages (sha256, package)
SELECT DISTINCT ON (hash) hash, package
  FROM (SELECT encode(sha256(convert_to(package::text, 'UTF8')), 'hex') AS hash, package FROM ocds_releases) AS r;

ALTER TABLE ocds_releases ADD COLUMN package_id bigint REFERENCES ocds_packages (id);
UPDATE ocds_releases r SET package_id = p.id
  FROM ocds_packages p WHERE p.sha256 = encode(sha256(convert_to(r.package::text, 'UTF8')), 'hex');
ALTER TABLE ocds_releases DROP COLUMN package;

-- The row for a package's details, added when new. Run once per import or published release, not per release.
CREATE FUNCTION ocds_package_id(p_package jsonb) RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO ocds_packages (sha256, package)
  VALUES (encode(sha256(convert_to(p_package::text, 'UTF8')), 'hex'), p_package)
  ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256
  RETURNING id
$$;
