import { blacklistErrors } from '@qingnang/contracts';
import { raisers } from '../../platform/error-catalogue.js';

/** The blacklist module's errors, each built from its one definition in packages/contracts. */
export const errors = raisers(blacklistErrors);
