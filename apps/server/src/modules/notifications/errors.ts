import { notificationErrors } from '@qingnang/contracts';
import { raisers } from '../../platform/error-catalogue.js';

/** The notifications module's errors, each built from its one definition in packages/contracts. */
export const errors = raisers(notificationErrors);
