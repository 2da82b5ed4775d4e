import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toWebRequest, toWebRequestHead } from './convert.ts';

const ORIGIN = 'https://app.example.com';

/** A Node request as the HTTP parser would hand it over: `url` is the request target as sent. */
function nodeRequest(url: string, method = 'GET', headers: Record<string, string> = {}): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.url = url;
  req.method = method;
  req.headers = headers;
  return req;
}

describe('toWebRequestHead', () => {
  it('keeps the method, the path, the query and the headers on this site', () => {
    const head = toWebRequestHead(nodeRequest('/api/x?y=1', 'POST', { cookie: 'a=b' }), ORIGIN);
    expect([head.method, head.url, head.headers.get('cookie')]).toEqual([
      'POST',
      'https://app.example.com/api/x?y=1',
      'a=b',
    ]);
  });

  it('never throws and never leaves this site, whatever the request target holds', () => {
    const cases: [string, string][] = [
      ['//[', 'https://app.example.com//['],
      ['//evil.example/me', 'https://app.example.com//evil.example/me'],
      ['http://evil.example/me?q=1', 'https://app.example.com/me?q=1'],
      ['http://[/me', 'https://app.example.com/http://[/me'],
      ['*', 'https://app.example.com/*'],
      ['/\\evil.example', 'https://app.example.com//evil.example'],
    ];
    for (const [target, url] of cases)
      expect(toWebRequestHead(nodeRequest(target), ORIGIN).url, target).toBe(url);
  });

  it('says GET for a method a Web Request cannot carry', () => {
    expect(toWebRequestHead(nodeRequest('/', 'CONNECT'), ORIGIN).method).toBe('GET');
    expect(toWebRequestHead(nodeRequest('/', 'TRACE'), ORIGIN).method).toBe('GET');
  });
});

describe('toWebRequest', () => {
  it('reads a malformed target on this site too', async () => {
    const request = await toWebRequest(nodeRequest('//[/sso/providers'), ORIGIN);
    expect(new URL(request.url).host).toBe('app.example.com');
  });
});
