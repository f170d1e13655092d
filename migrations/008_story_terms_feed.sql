-- The candidate index records the feed that brought each item, so that a new item's candidates come
-- from other feeds only: a busy feed's own items never crowd out the reports of other outlets. Rows
-- indexed before this have feed 0 (unknown), which only makes them candidates for every feed.
ALTER TABLE story_terms ADD COLUMN feed_id INTEGER NOT NULL DEFAULT 0;
