/**
 * How much of an item the search index reads, on either backend (FTS5 on SQLite, a tsvector on
 * PostgreSQL): body text beyond this is not indexed, since news puts what matters first, and segmenting
 * costs per character.
 */
export const INDEXED_BODY_CHARS = 4000;
