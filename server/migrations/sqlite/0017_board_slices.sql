-- Board cells by slice (duban_board / store::board): a case counts in the cells of
-- all categories and of each of its own (categories: 0 all, i + 1 for Category::ALL[i])
-- and of all cases and its key slices (key_classes: 0 all, 1 key cases, 2 ordinary
-- cases, 10 + i for KeyClass::ALL[i]), so that every board filter is an equality on
-- the key and the unfiltered board reads one slice instead of every combination. The
-- cells are counted anew from the cases at start-up (the layout in meta is dropped).
DROP TABLE board_cells;
CREATE TABLE board_cells (
    grain INTEGER NOT NULL,
    categories INTEGER NOT NULL,
    key_classes INTEGER NOT NULL,
    dim TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    total INTEGER NOT NULL,
    key_cases INTEGER NOT NULL,
    open INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    stage_closed INTEGER NOT NULL,
    merged INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    late INTEGER NOT NULL,
    rectification_orders INTEGER NOT NULL,
    penalty_cases INTEGER NOT NULL,
    fines_yuan INTEGER NOT NULL,
    criminal_cases INTEGER NOT NULL,
    officials_summoned INTEGER NOT NULL,
    officials_accountable INTEGER NOT NULL,
    PRIMARY KEY (grain, categories, key_classes, dim, bucket)
);
DELETE FROM meta WHERE key = 'board_layout';

-- The edge days of a range are read from the facts: all they need, in day order.
DROP INDEX board_facts_day;
CREATE INDEX board_facts_cover ON board_facts (day, division, unit, categories, key_classes, batch, total, key_cases, open, overdue, closed, stage_closed, merged, on_time, late, rectification_orders, penalty_cases, fines_yuan, criminal_cases, officials_summoned, officials_accountable);
