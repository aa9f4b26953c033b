-- The map board (挂图作战). board_facts holds what each case adds to the board (see
-- duban_board::fact), keyed by the dimensions the board filters on; board_cells holds
-- sums of facts, kept in the same transaction as every case write (old fact out, new
-- fact in), so that a board query reads a few thousand cells instead of every case:
--   grain 1: bucket = day (yyyymmdd),  dim = batch number ('0' for none)
--   grain 2: bucket = month (yyyymm),  dim = division code
--   grain 3: bucket = month (yyyymm),  dim = lead unit id ('' before dispatch)
-- categories and key_classes are bit sets (duban_board::fact::category_bit). Rows
-- stored before this migration are counted at start-up.
CREATE TABLE board_facts (
    case_id TEXT PRIMARY KEY,
    day BIGINT NOT NULL,
    batch BIGINT NOT NULL,
    division BIGINT NOT NULL,
    categories BIGINT NOT NULL,
    key_classes BIGINT NOT NULL,
    unit TEXT NOT NULL,
    total BIGINT NOT NULL,
    key_cases BIGINT NOT NULL,
    open BIGINT NOT NULL,
    overdue BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    stage_closed BIGINT NOT NULL,
    merged BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    late BIGINT NOT NULL,
    rectification_orders BIGINT NOT NULL,
    penalty_cases BIGINT NOT NULL,
    fines_yuan BIGINT NOT NULL,
    criminal_cases BIGINT NOT NULL,
    officials_summoned BIGINT NOT NULL,
    officials_accountable BIGINT NOT NULL,
    CHECK (total >= 0)
);
CREATE INDEX board_facts_day ON board_facts (day);
CREATE INDEX board_facts_batch ON board_facts (batch, day);

CREATE TABLE board_cells (
    grain BIGINT NOT NULL,
    bucket BIGINT NOT NULL,
    dim TEXT NOT NULL,
    categories BIGINT NOT NULL,
    key_classes BIGINT NOT NULL,
    total BIGINT NOT NULL,
    key_cases BIGINT NOT NULL,
    open BIGINT NOT NULL,
    overdue BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    stage_closed BIGINT NOT NULL,
    merged BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    late BIGINT NOT NULL,
    rectification_orders BIGINT NOT NULL,
    penalty_cases BIGINT NOT NULL,
    fines_yuan BIGINT NOT NULL,
    criminal_cases BIGINT NOT NULL,
    officials_summoned BIGINT NOT NULL,
    officials_accountable BIGINT NOT NULL,
    PRIMARY KEY (grain, dim, bucket, categories, key_classes)
);

-- The public disclosure (信息公开) lists a batch's cases a coordinator cleared.
ALTER TABLE cases ADD COLUMN publishable BIGINT NOT NULL DEFAULT 0;
CREATE INDEX cases_publishable ON cases (batch_number, publishable);
