/**
 * Fields that must never reach a log line: ID and phone numbers, codes, tokens and passwords,
 * wherever they appear in a logged object.
 */
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.newPassword',
  '*.oldPassword',
  '*.idNumber',
  '*.phone',
  '*.smsCode',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'body',
];
