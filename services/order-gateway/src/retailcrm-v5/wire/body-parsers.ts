import type { FastifyInstance } from 'fastify';
import { paramsFromMultipart, paramsFromUrlEncoded } from './params';

/**
 * Teaches the HTTP server the form bodies RetailCRM clients post: application/x-www-form-urlencoded
 * (most clients) and multipart/form-data (the v5 PHP client, through curl), both parsed into nested
 * parameters (see params.ts). Fastify's body limit applies to them as to JSON.
 */
export function registerFormBodyParsers(fastify: FastifyInstance): void {
  if (!fastify.hasContentTypeParser('application/x-www-form-urlencoded')) {
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        try {
          done(null, paramsFromUrlEncoded(body as string));
        } catch (e) {
          done(e as Error, undefined);
        }
      },
    );
  }
  if (!fastify.hasContentTypeParser('multipart/form-data')) {
    fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
      try {
        done(null, paramsFromMultipart(body as Buffer, String(request.headers['content-type'])));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
  }
}
