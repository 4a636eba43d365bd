/**
 * Every failure leaves as `{ "error": { "code", "message", "field"? } }` with the status
 * `http-status.ts` gives its code. Fastify's own refusals (body too large, wrong media
 * type, bad URL) are translated to the same shape; anything unexpected is a 500 whose
 * message says nothing about the server's insides. Nothing here logs a body, a header or
 * a signature.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { JsonValue } from '../core/encoding/canonical-json.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { httpStatus } from './http-status.ts';
import { fromEncodingError } from './read-body.ts';
import { ServerError } from './server-error.ts';
import { IntegrityError } from './store/integrity-error.ts';
import { StoreError } from './store/store-error.ts';

const FASTIFY_CODES: { readonly [code: string]: ServerError['code'] } = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'MALFORMED',
  FST_ERR_ASYNC_CONSTRAINT: 'MALFORMED',
};

export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  if (error instanceof EncodingError) return fromEncodingError(error) as ServerError;
  if (error instanceof IntegrityError) {
    // Tampering or corruption of stored data is no outage: retrying cannot help.
    return new ServerError(
      'INTEGRITY_FAILED',
      `the server's stored ${error.finding.table} failed an integrity check (row ${error.finding.row}: ${error.finding.check}); its operator must investigate before this works again`,
      { cause: error },
    );
  }
  if (error instanceof StoreError) {
    return new ServerError('STORE_UNAVAILABLE', 'the server could not reach its store; try again shortly', {
      cause: error,
    });
  }
  const fastifyCode = (error as FastifyError | undefined)?.code;
  const mapped = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined;
  if (mapped !== undefined) return new ServerError(mapped, messageFor(mapped), { cause: error });
  const status = (error as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 413 ? 'TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'MALFORMED';
    return new ServerError(code, messageFor(code), { cause: error });
  }
  return new ServerError('INTERNAL', 'the server failed to handle this request; try again later', {
    cause: error,
  });
}

function messageFor(code: ServerError['code']): string {
  switch (code) {
    case 'TOO_LARGE':
      return 'the request body is larger than this route accepts';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'send the body as application/json';
    default:
      return 'the request is malformed';
  }
}

export function errorBody(error: ServerError): JsonValue {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined ? { field: error.field } : {}),
    },
    ...(error.extra ?? {}),
  };
}

export function sendError(reply: FastifyReply, error: ServerError): FastifyReply {
  return reply.status(httpStatus(error.code)).type('application/json; charset=utf-8').send(errorBody(error));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped = toServerError(error);
    if (httpStatus(mapped.code) >= 500) {
      // The cause's class and code only: a message could quote data.
      const cause = mapped.cause as { name?: unknown; code?: unknown } | undefined;
      if (mapped.cause instanceof IntegrityError) {
        // The row and the failed check are the operator's lead; they quote no data.
        request.log.error(
          {
            code: mapped.code,
            integrity: mapped.cause.code,
            ...mapped.cause.finding,
            route: request.routeOptions.url,
          },
          `integrity failure: ${mapped.cause.finding.table} row ${mapped.cause.finding.row} fails ${mapped.cause.finding.check}`,
        );
        return sendError(reply, mapped);
      }
      request.log.error(
        { code: mapped.code, cause: cause?.name, causeCode: cause?.code, route: request.routeOptions.url },
        'request failed on the server side',
      );
    }
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((_request, reply) =>
    sendError(reply, new ServerError('NOT_FOUND', 'no such route; see docs/api.md for the API')),
  );
}
