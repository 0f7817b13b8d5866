/**
 * Lambda service errors in the restJson1 shape the AWS SDK deserializes into its own classes:
 * the status code, `x-amzn-ErrorType` naming the class, and a JSON body with Type/message
 * (plus Reason for throttles).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

export type ServiceErrorType =
  | 'ResourceNotFoundException'
  | 'TooManyRequestsException'
  | 'RequestTooLargeException'
  | 'InvalidRequestContentException'
  | 'InvalidParameterValueException'
  | 'ResourceConflictException'
  | 'UnknownOperationException'
  | 'ServiceException';

const STATUS: Record<ServiceErrorType, number> = {
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
  RequestTooLargeException: 413,
  InvalidRequestContentException: 400,
  InvalidParameterValueException: 400,
  ResourceConflictException: 409,
  UnknownOperationException: 404,
  ServiceException: 500,
};

export function sendServiceError(
  res: ServerResponse,
  type: ServiceErrorType,
  message: string,
  extra: { Reason?: string; requestId?: string } = {},
): void {
  const { requestId, ...fields } = extra;
  // Some error shapes read `message`, others `Message`: send both.
  sendJson(
    res,
    STATUS[type],
    { Type: type === 'ServiceException' ? 'Service' : 'User', message, Message: message, ...fields },
    { 'x-amzn-errortype': type, 'x-amzn-requestid': requestId ?? randomUUID() },
  );
}
