-- A short summary per item, computed once when the item is stored, and what produced it:
-- 'builtin' (the extractive summarizer) or 'llm:<model>'.
ALTER TABLE items ADD COLUMN summary TEXT;
ALTER TABLE items ADD COLUMN summarizer TEXT;
