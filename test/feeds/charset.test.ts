import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { fixture } from '../helpers/app.ts';

describe('decodeFeed', () => {
  it('reads GBK bytes behind a gb2312 prolog (—— is not in GB2312)', () => {
    const { text, encoding } = decodeFeed(fixture('ithome-style-gbk.xml'), null);
    expect(encoding).toBe('gb18030');
    expect(text).toContain('全面领先——价格');
    expect(text).not.toContain('\uFFFD');
  });

  it('falls back to the prolog when the header claims UTF-8 but the bytes are GBK', () => {
    const { text, encoding } = decodeFeed(fixture('ithome-style-gbk.xml'), 'text/xml; charset=utf-8');
    expect(encoding).toBe('gb18030');
    expect(text).toContain('工信部约谈三家虚拟运营商');
  });

  it('prefers the HTTP header over the prolog when the header decodes cleanly', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="gbk"?><rss>é</rss>', 'utf8');
    expect(decodeFeed(bytes, 'application/xml; charset=UTF-8').text).toContain('<rss>é</rss>');
  });

  it('lets a byte-order mark win over everything', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0" encoding="windows-1251"?><a>量子位</a>')]);
    const { text, encoding } = decodeFeed(bytes, 'text/xml; charset=iso-8859-1');
    expect(encoding).toBe('utf-8');
    expect(text).toContain('<a>量子位</a>');
  });

  it('decodes windows-1251, ISO-8859-1 and Big5 feeds', () => {
    expect(decodeFeed(fixture('rss-windows-1251.xml'), null).text).toContain('Нейросети и перевод');
    expect(decodeFeed(fixture('rdf-iso-8859-1.xml'), null).text).toContain('Café robots naïvely über-optimise Français');
    const big5 = Buffer.from([0xa4, 0xa4, 0xa4, 0xe5]); // 中文
    expect(decodeFeed(big5, 'text/xml; charset=big5').text).toBe('中文');
  });

  it('reads valid UTF-8 as UTF-8 even when the header claims ISO-8859-1', () => {
    const bytes = Buffer.from('<?xml version="1.0"?><rss><title>量子位 café</title></rss>');
    expect(decodeFeed(bytes, 'text/xml; charset=ISO-8859-1')).toMatchObject({ encoding: 'utf-8', text: expect.stringContaining('量子位 café') });
  });

  it('reads UTF-8 the same whatever its mix of scripts, and malformed UTF-8 with replacement characters', () => {
    const text = '<?xml version="1.0"?><rss><title>量子位 😀 café — ok</title></rss>';
    expect(decodeFeed(Buffer.from(text), 'text/xml; charset=utf-8').text).toBe(text);
    expect(decodeFeed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), null).text).toBe(text);
    expect(decodeFeed(Buffer.from('<a>plain ascii</a>'), null).text).toBe('<a>plain ascii</a>');
    const malformed = Buffer.concat([Buffer.from('<a>量'), Buffer.from([0xe4, 0xbd]), Buffer.from('子</a>')]);
    expect(decodeFeed(malformed, 'text/xml; charset=utf-8').text).toBe('<a>量\uFFFD子</a>');
  });

  it('treats an unknown charset label as absent rather than failing', () => {
    expect(decodeFeed(Buffer.from('<a>ok</a>'), 'text/xml; charset=x-made-up').text).toBe('<a>ok</a>');
  });
});
