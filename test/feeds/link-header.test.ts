import { describe, expect, it } from 'vitest';
import { parseLinkHeader } from '../../src/feeds/link-header.ts';

const base = 'https://example.com/feeds/news.xml';

describe('parseLinkHeader', () => {
  it('reads several links in one field, resolving relative targets against the base', () => {
    expect(parseLinkHeader('<https://hub.example/>; rel="hub", </feeds/news.xml>; rel=self, <page2.xml>; rel=next', base)).toEqual([
      { href: 'https://hub.example/', rels: ['hub'] },
      { href: 'https://example.com/feeds/news.xml', rels: ['self'] },
      { href: 'https://example.com/feeds/page2.xml', rels: ['next'] },
    ]);
  });

  it('reads several fields, in order', () => {
    expect(parseLinkHeader(['<https://a.example/>; rel=hub', '<https://b.example/>; rel=hub'], base).map((link) => link.href)).toEqual([
      'https://a.example/',
      'https://b.example/',
    ]);
  });

  it('splits a quoted rel into its relation types, lower-cased', () => {
    expect(parseLinkHeader('<https://hub.example/>; rel="HUB  Alternate"', base)).toEqual([{ href: 'https://hub.example/', rels: ['hub', 'alternate'] }]);
  });

  it('takes quoted strings whole, with their commas, semicolons and escapes', () => {
    const links = parseLinkHeader('<https://a.example/>; title="one, two; \\"three\\""; rel=hub, <https://b.example/>; rel=self', base);
    expect(links).toEqual([
      { href: 'https://a.example/', rels: ['hub'] },
      { href: 'https://b.example/', rels: ['self'] },
    ]);
  });

  it('allows space around parameters and their equals sign, and any case in names', () => {
    expect(parseLinkHeader('  < https://hub.example/ >  ;  REL = hub ;type="text/html"  ', base)).toEqual([{ href: 'https://hub.example/', rels: ['hub'] }]);
  });

  it('counts only the first rel of a link', () => {
    expect(parseLinkHeader('<https://a.example/>; rel=self; rel=hub', base)).toEqual([{ href: 'https://a.example/', rels: ['self'] }]);
  });

  it('leaves out a link about another resource (anchor), but keeps one anchored on this one', () => {
    const links = parseLinkHeader('<https://a.example/>; rel=hub; anchor="/other", <https://b.example/>; rel=hub; anchor="news.xml"', base);
    expect(links.map((link) => link.href)).toEqual(['https://b.example/']);
  });

  it('skips what is not a link and targets that are no URL, and reads the rest', () => {
    const links = parseLinkHeader('garbage; rel=hub, <http://[broken>; rel=hub, <https://ok.example/>; rel=hub, <https://cut.example/', base);
    expect(links).toEqual([{ href: 'https://ok.example/', rels: ['hub'] }]);
  });

  it('gives a link with no rel no relation types, and nothing for no header', () => {
    expect(parseLinkHeader('<https://a.example/>', base)).toEqual([{ href: 'https://a.example/', rels: [] }]);
    expect(parseLinkHeader(undefined, base)).toEqual([]);
    expect(parseLinkHeader('', base)).toEqual([]);
  });
});
