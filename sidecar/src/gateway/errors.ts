import type { Response } from 'express';

/**
 * The one error shape of the sidecar's APIs (documented in the OpenAPI document as ErrorBody):
 * `{ "error": { "code", "message", "message_tr", "details"?, "request_id"? } }`. `message` is English,
 * `message_tr` Turkish: both reach the store owner. Internals never appear in either.
 */

export interface ErrorDetail {
  /** path, query, header, body */
  location: string;
  /** JSON pointer or parameter name */
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; message_tr: string; details?: ErrorDetail[]; request_id?: string };
}

export const MESSAGES = {
  unauthorized: ['Authentication required', 'Kimlik doğrulaması gerekli'],
  invalid_token: ['The access token is invalid, expired or revoked', 'Erişim belirteci geçersiz, süresi dolmuş ya da iptal edilmiş'],
  wrong_store: ['This token belongs to another store', 'Bu belirteç başka bir mağazaya ait'],
  insufficient_role: ['Your OpenCart user group has no access to MesChain-Sync', 'OpenCart kullanıcı grubunuzun MesChain-Sync erişimi yok'],
  forbidden: ['You do not have permission for this action', 'Bu işlem için yetkiniz yok'],
  insufficient_scope: ['The token was not granted the scope this action needs', 'Belirtece bu işlem için gereken kapsam verilmemiş'],
  ip_not_allowed: ['Requests from this address are not allowed for this client', 'Bu istemci için bu adresten gelen isteklere izin verilmiyor'],
  rate_limited: ['Too many requests; try again later', 'Çok fazla istek; lütfen daha sonra tekrar deneyin'],
  login_locked: ['Too many failed sign-ins; try again later', 'Çok fazla başarısız giriş denemesi; lütfen daha sonra tekrar deneyin'],
  payload_too_large: ['The request body is too large', 'İstek gövdesi çok büyük'],
  not_found: ['No such route', 'Böyle bir adres yok'],
  resource_not_found: ['Not found', 'Bulunamadı'],
  method_not_allowed: ['This method is not allowed here', 'Bu yöntem burada kullanılamaz'],
  validation_failed: ['The request is invalid', 'İstek geçersiz'],
  invalid_json: ['The request body is not valid JSON', 'İstek gövdesi geçerli JSON değil'],
  unsupported_media_type: ['The request body must be application/json', 'İstek gövdesi application/json olmalı'],
  cors_rejected: ['This origin may not call the API', 'Bu kaynağın API’yi çağırmasına izin verilmiyor'],
  conflict: ['The request conflicts with an earlier one', 'İstek daha önceki bir istekle çakışıyor'],
  service_unavailable: ['This service is not available right now', 'Bu hizmet şu anda kullanılamıyor'],
  internal: ['Internal error', 'İç hata'],
} as const satisfies Record<string, readonly [string, string]>;

export type ErrorCode = keyof typeof MESSAGES;

export function errorBody(code: ErrorCode, opts: { details?: ErrorDetail[]; requestId?: string; message?: string } = {}): ErrorBody {
  const [en, tr] = MESSAGES[code];
  return {
    error: {
      code,
      message: opts.message ? `${en}: ${opts.message}` : en,
      message_tr: tr,
      ...(opts.details && opts.details.length ? { details: opts.details } : {}),
      ...(opts.requestId ? { request_id: opts.requestId } : {}),
    },
  };
}

export function sendError(res: Response, status: number, code: ErrorCode, opts: { details?: ErrorDetail[]; message?: string } = {}): void {
  const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
  res.status(status).json(errorBody(code, { ...opts, ...(requestId ? { requestId } : {}) }));
}
