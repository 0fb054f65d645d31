/**
 * A SIP request text as the driver's InboundRequest, for tests that deliver
 * requests to a stand-in signaling stack by hand (the admission and registrar
 * tests go through the real drachtio-srf instead).
 */
import type { InboundRequest } from '../../../src/telephony/drachtio/types.ts';

export function parseRequest(text: string, sourceAddress: string, sourcePort = 5060): InboundRequest {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [start = '', ...lines] = head.split('\r\n');
  const [method = '', uri = ''] = start.split(' ');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return {
    method,
    uri,
    callId: headers['call-id'] ?? '',
    body,
    source_address: sourceAddress,
    source_port: sourcePort,
    protocol: 'udp',
    headers,
    get: (name) => headers[name.toLowerCase()],
    has: (name) => name.toLowerCase() in headers,
    on: () => undefined,
  };
}
