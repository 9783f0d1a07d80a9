-- The vault index: one row set per published note. Built in bulk once per build and updated one note
-- at a time under `mkdocs serve`. Paths are vault-relative; lines are 0-based file lines.

CREATE TABLE IF NOT EXISTS notes (
    path        VARCHAR PRIMARY KEY,
    folder      VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,       -- file name without .md (Dataview's file.name)
    title       VARCHAR NOT NULL,       -- frontmatter title, else the name
    type        VARCHAR,                -- frontmatter type
    url         VARCHAR,                -- site URL (directory style, no leading slash)
    size        BIGINT,
    ctime       TIMESTAMP,              -- UTC (plain TIMESTAMP: fetching TIMESTAMPTZ into Python needs pytz)
    mtime       TIMESTAMP,              -- UTC
    day         VARCHAR,                -- ISO date or date-time (file.day), NULL when the note has none
    aliases     VARCHAR[],
    etags       VARCHAR[],              -- tags as written (#a/b)
    tags        VARCHAR[],              -- etags plus parents
    frontmatter JSON                    -- raw YAML values, private keys removed
);

-- Every frontmatter property and inline field, under its key as written and Dataview's normalised key.
CREATE TABLE IF NOT EXISTS fields (
    path     VARCHAR NOT NULL,
    key      VARCHAR NOT NULL,
    norm_key VARCHAR NOT NULL,
    source   VARCHAR NOT NULL,          -- 'frontmatter' | 'inline' | 'list' (plain list item) | 'task'
    line     INTEGER,                   -- file line (NULL for frontmatter keys)
    item_line INTEGER,                  -- the list item / task it sits on, if any
    raw      JSON,                      -- the value as written (YAML value, or inline text)
    value    JSON,                      -- Dataview's typed value, as a conformance cell
    kind     VARCHAR,                   -- null|number|string|boolean|date|duration|link|array|object
    num      DOUBLE,                    -- scalar copies of `value` for SQL filters
    str      VARCHAR,
    ts       TIMESTAMP,                 -- UTC
    bool     BOOLEAN
);

CREATE TABLE IF NOT EXISTS tags (
    path     VARCHAR NOT NULL,
    tag      VARCHAR NOT NULL,          -- '#a/b', lower-cased comparisons are the query's job
    explicit BOOLEAN NOT NULL           -- written as such (true) or a parent of one (false)
);

CREATE TABLE IF NOT EXISTS links (
    source    VARCHAR NOT NULL,
    line      INTEGER NOT NULL,
    target_raw VARCHAR NOT NULL,        -- the link path as written
    target    VARCHAR,                  -- resolved published vault path; NULL when unresolved or unpublished
    state     VARCHAR NOT NULL,         -- 'resolved' | 'unresolved' | 'unpublished'
    subpath   VARCHAR,
    display   VARCHAR,
    embed     BOOLEAN NOT NULL,
    origin    VARCHAR NOT NULL,         -- 'body' | 'frontmatter'
    key       VARCHAR                   -- frontmatter key holding the link
);

CREATE TABLE IF NOT EXISTS list_items (
    path       VARCHAR NOT NULL,
    line       INTEGER NOT NULL,
    line_count INTEGER NOT NULL,
    parent     INTEGER,
    status     VARCHAR,                 -- NULL for plain items, else the checkbox character
    is_task    BOOLEAN NOT NULL,
    completed  BOOLEAN NOT NULL,        -- status x or X
    checked    BOOLEAN NOT NULL,        -- any status but a space
    text       VARCHAR NOT NULL,
    section    VARCHAR,
    symbol     VARCHAR,
    block_id   VARCHAR,
    due        VARCHAR,                 -- raw dates as written (YYYY-MM-DD)
    scheduled  VARCHAR,
    start      VARCHAR,
    completion VARCHAR,
    created    VARCHAR,
    tags       VARCHAR[],
    children   INTEGER[]
);

CREATE TABLE IF NOT EXISTS headings (
    path  VARCHAR NOT NULL,
    level INTEGER NOT NULL,
    text  VARCHAR NOT NULL,
    line  INTEGER NOT NULL
);

-- Which generated or note page shows data from which note, so an edit rebuilds only those pages.
CREATE TABLE IF NOT EXISTS deps (
    page VARCHAR NOT NULL,
    note VARCHAR NOT NULL
);
