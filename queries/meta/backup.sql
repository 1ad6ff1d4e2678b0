-- A consistent copy of one database file into a new one (pmf backup): the source attached read-only, so
-- the dashboard and other readers keep reading it meanwhile; tables, views, macros and sequences copied.
ATTACH $source AS backup_source (READ_ONLY);
ATTACH $output AS backup_copy;
COPY FROM DATABASE backup_source TO backup_copy;
DETACH backup_copy;
DETACH backup_source;
