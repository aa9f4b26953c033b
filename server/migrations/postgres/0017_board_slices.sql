-- Board cells by slice (duban_board / store::board): a case counts in the cells of
-- all categories and of each of its own (categories: 0 all, i + 1 for Category::ALL[i])
-- and of all cases and its key slices (key_classes: 0 all, 1 key cases, 2 ordinary
-- cases, 10 + i for KeyClass::ALL[i]), so that every board filter is an equality on
-- the key and the unfiltered board reads one slice instead of every combination. The
-- cells are counted anew from the cases at start-up (the layout in meta is dropped).
DROP TABLE board_cells;
CREATE TABLE board_cells (
    grain BIGINT NOT NULL,
    categories BIGINT NOT NULL,
    key_classes BIGINT NOT NULL,
    dim TEXT NOT NULL,
    bucket BIGINT NOT NULL,
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
    PRIMARY KEY (grain, categories, key_classes, dim, bucket)
);
DELETE FROM meta WHERE key = 'board_layout';

-- The edge days of a range are read from the facts: all they need, in day order.
DROP INDEX board_facts_day;
CREATE INDEX board_facts_cover ON board_facts (day) INCLUDE (division, unit, categories, key_classes, batch, total, key_cases, open, overdue, closed, stage_closed, merged, on_time, late, rectification_orders, penalty_cases, fines_yuan, criminal_cases, officials_summoned, officials_accountable);
