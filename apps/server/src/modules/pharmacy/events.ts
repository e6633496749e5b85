import { defineEvent } from '../../platform/events.js';

/** The patient chose to fill a prescription at the hospital pharmacy (published in that transaction). */
export const PrescriptionFillAtHospital = defineEvent<{ prescriptionId: string }>(
  'pharmacy.prescription-fill-at-hospital',
);

/** A retail pharmacy dispensed a prescription the platform sent it (published in that transaction). */
export const PrescriptionDispensed = defineEvent<{ prescriptionId: string }>(
  'pharmacy.prescription-dispensed',
);
