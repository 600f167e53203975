-- Issue 6: each member agrees to a version of the fair terms. An agreement is to that version only: new terms need
-- agreeing again, and the consortium bids only when every member has agreed to the terms in force.
CREATE TABLE consortium_terms_agreements (
  consortium_id uuid NOT NULL,
  version integer NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  agreed_by uuid NOT NULL REFERENCES users (id),
  agreed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consortium_id, version, organisation_id),
  FOREIGN KEY (consortium_id, version) REFERENCES consortium_terms (consortium_id, version)
);
CREATE TRIGGER consortium_terms_agreements_kept BEFORE UPDATE OR DELETE ON consortium_terms_agreements
  FOR EACH ROW EXECUTE FUNCTION consortium_history_is_kept();
