-- The PostgreSQL store's tables: the embedded store's columns (store/Schema.java, including its
-- ADDED_COLUMNS) plus what several gateways sharing studies need: a per-study version and a
-- per-trial change sequence, so a gateway re-reads only the trials changed since it last looked.

CREATE TABLE studies (
  study_id   BIGINT PRIMARY KEY,
  name       VARCHAR(128) NOT NULL UNIQUE,
  spec       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  -- bumped by every transaction that changes the study's trials (under the study's advisory lock)
  version    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE trials (
  trial_id          BIGINT PRIMARY KEY,
  study_id          BIGINT NOT NULL,
  number            INTEGER NOT NULL,
  state             VARCHAR(16) NOT NULL,
  config            TEXT NOT NULL,
  trial_values      TEXT NOT NULL,
  constraint_values TEXT NOT NULL,
  budget            DOUBLE PRECISION NOT NULL,
  attributes        TEXT NOT NULL,
  fail_reason       TEXT NOT NULL,
  worker            TEXT NOT NULL,
  lease_expires_at  BIGINT NOT NULL,
  created_at        BIGINT NOT NULL,
  finished_at       BIGINT NOT NULL,
  attempts          INTEGER NOT NULL,
  tell_request_id   TEXT NOT NULL,
  lease_losses      INTEGER NOT NULL DEFAULT 0,
  checkpoint        TEXT NOT NULL DEFAULT '',
  checkpoint_step   DOUBLE PRECISION NOT NULL DEFAULT -1,
  parent_trial_id   BIGINT NOT NULL DEFAULT 0,
  parent_step       DOUBLE PRECISION NOT NULL DEFAULT 0,
  decisions         TEXT NOT NULL DEFAULT '[]',
  -- the study version that last changed this row (set by the trigger below)
  change_seq        BIGINT NOT NULL DEFAULT 0,
  -- a second trial with the same number in a study is a bug this refuses
  UNIQUE (study_id, number)
);

CREATE INDEX trials_by_change ON trials (study_id, change_seq);
CREATE INDEX trials_running ON trials (lease_expires_at) WHERE state = 'RUNNING';

CREATE TABLE intermediate_values (
  trial_id  BIGINT NOT NULL,
  seq       INTEGER NOT NULL,
  step      DOUBLE PRECISION NOT NULL,
  value     DOUBLE PRECISION NOT NULL,
  attempt   INTEGER NOT NULL DEFAULT 0,
  abandoned INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trial_id, seq)
);

CREATE TABLE id_high_water (
  kind    VARCHAR(16) PRIMARY KEY,
  last_id BIGINT NOT NULL
);

-- Ids are handed out by sequences, so two gateways never hand out the same one; trial ids in
-- blocks of 64 (one round trip per 64 new trials).
CREATE SEQUENCE study_ids;
CREATE SEQUENCE trial_id_blocks;

-- Every change of a trial row carries the version of the study transaction that made it. A
-- change made outside such a transaction would be invisible to other gateways' caches, so it
-- is refused.
CREATE FUNCTION hypatia_trial_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  seq TEXT := current_setting('hypatia.change_seq', true);
BEGIN
  IF seq IS NULL OR seq = '' THEN
    RAISE EXCEPTION 'trial % changed outside a study transaction', NEW.trial_id;
  END IF;
  NEW.change_seq := seq::BIGINT;
  RETURN NEW;
END
$$;

CREATE TRIGGER trials_change_seq BEFORE INSERT OR UPDATE ON trials
  FOR EACH ROW EXECUTE FUNCTION hypatia_trial_changed();
