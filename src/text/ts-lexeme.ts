import { HAS_CJK } from './fold.ts';

/**
 * A word as a quoted lexeme of a PostgreSQL `tsvector` or `tsquery` literal, the same in the index and in
 * the query. Latin diacritics are dropped, as FTS5's `remove_diacritics` does on SQLite (café finds cafe);
 * Chinese and kana are left as they are.
 */
export function tsLexeme(word: string): string {
  const plain = HAS_CJK.test(word) ? word : word.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
  return `'${plain.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
