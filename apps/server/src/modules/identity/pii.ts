// The app's PII cipher and phone normalisation live in platform/pii.ts (notifications and others
// use them without depending on identity).
export { normalisePhone, piiCipher } from '../../platform/pii.js';
